/* cx-workbook: draw a page's charts one task at a time, in page order, so that the browser shows
   the first chart while the others wait instead of showing nothing until every chart is drawn. */
(function () {
  var draw = Plotly.newPlot;
  var previous = Promise.resolve();
  Plotly.newPlot = function () {
    var args = arguments;
    previous = previous.then(function () {
      return new Promise(function (resolve) {
        setTimeout(function () {
          Promise.resolve(draw.apply(Plotly, args)).then(resolve, resolve);
        }, 0);
      });
    });
    return previous;
  };
})();
