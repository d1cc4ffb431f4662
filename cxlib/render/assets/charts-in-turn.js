/* cx-workbook: draw a page's first chart at once and the others one task at a time, in page order,
   so that the browser shows the first chart while the others wait instead of showing nothing until
   every chart is drawn (or, in the one-file bundle, until the whole file is parsed). */
(function () {
  var draw = Plotly.newPlot;
  var previous = null;
  Plotly.newPlot = function () {
    var args = arguments;
    if (previous === null) {
      previous = Promise.resolve(draw.apply(Plotly, args)).catch(function () {});
      return previous;
    }
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
