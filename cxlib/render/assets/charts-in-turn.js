/* cx-workbook: draw a page's charts from their JSON data blocks (<script type="application/json"
   data-cx-chart="div id">), the first as soon as the page is parsed and the others one at a time,
   each after the page is painted, so that the first chart shows while the others wait instead of the
   page showing nothing until every chart is drawn. */
(function () {
  function draw(block) {
    var figure = JSON.parse(block.textContent);
    return Plotly.newPlot(block.getAttribute('data-cx-chart'), figure.data, figure.layout, figure.config);
  }
  function afterFrames(block) {
    // two animation frames: the first chart is painted (and the page answers input) before the
    // next chart's drawing holds the main thread
    return new Promise(function (resolve) {
      requestAnimationFrame(function () {
        requestAnimationFrame(function () {
          setTimeout(function () {
            Promise.resolve(draw(block)).then(resolve, resolve);
          }, 0);
        });
      });
    });
  }
  function start() {
    var chain = null;
    [].forEach.call(document.querySelectorAll('script[data-cx-chart]'), function (block) {
      chain = chain === null
        ? Promise.resolve(draw(block)).catch(function () {})
        : chain.then(function () { return afterFrames(block); });
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
