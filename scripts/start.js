#!/usr/bin/env node
/**
 * `npm start`: builds what is stale (scripts/build.js), then runs the service
 * in this same process, through dist/src/launch.js (the bundle, with V8's code
 * cache). One node start instead of two (a `prestart` script
 * was a shell and a node of its own, about 150 ms of every restart). Cluster
 * workers run this file too; only the primary checks the build.
 */
'use strict';

if (require('node:cluster').isPrimary) require('./build').buildStale();
require('../dist/src/launch.js');
