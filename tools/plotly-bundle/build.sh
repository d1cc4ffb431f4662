#!/usr/bin/env bash
# Rebuild cxlib/render/assets/plotly-cx.min.js: plotly.js with only the trace types the reports
# draw (bar, heatmap, scatter, scatterpolar) and the Spanish locale, 1.2 MB instead of the full 4.8 MB, so a page shows
# its first chart sooner. Needs Node.js and the npm registry; the result is committed, so neither
# is needed to install or run cx-workbook. Keep PLOTLY_JS equal to the plotly.js that the plotly
# Python package bundles (tests/test_reports.py checks it) and rebuild after upgrading plotly.
set -euo pipefail
PLOTLY_JS=4.1.1
ESBUILD=0.28.2
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/entry.js" "$work/"
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts "plotly.js@$PLOTLY_JS" "esbuild@$ESBUILD" >/dev/null
node node_modules/esbuild/install.js >/dev/null
node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window \
  --banner:js="/*! plotly.js v$PLOTLY_JS (c) Plotly, Inc., MIT License; partial bundle (bar, heatmap, scatter, scatterpolar; es locale) built by tools/plotly-bundle/build.sh */" \
  --outfile=plotly-cx.min.js
cp plotly-cx.min.js "$here/../../cxlib/render/assets/plotly-cx.min.js"
