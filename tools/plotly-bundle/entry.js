'use strict';
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/scatterpolar'),
    // Month and day names for Spanish reports (config.locale = 'es'); English is built in.
    require('plotly.js/lib/locales/es'),
]);
module.exports = Plotly;
