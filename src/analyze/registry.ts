// Every AST rule, sorted by id. Adding a rule means adding it here, a docs entry and a test table
// (test/analyze/registry.test.ts checks all three).
import type { Rule } from './rule.js';
import delaySink from './rules/delay-sink.js';
import domSink from './rules/dom-sink.js';
import backgroundProcess from './rules/background-process.js';
import egressDataSource from './rules/egress-data-source.js';
import egressDestination from './rules/egress-destination.js';
import encodedString from './rules/encoded-string.js';
import encoderCall from './rules/encoder-call.js';
import envRead from './rules/env-read.js';
import formatChoice from './rules/format-choice.js';
import hashedList from './rules/hashed-list.js';
import ipGeolocationSource from './rules/ip-geolocation-source.js';
import localeSource from './rules/locale-source.js';
import lookalikeChoice from './rules/lookalike-choice.js';
import mediaSink from './rules/media-sink.js';
import modelRequestSink from './rules/model-request-sink.js';
import networkEndpoints from './rules/network-endpoints.js';
import networkSink from './rules/network-sink.js';
import obfuscationSigns from './rules/obfuscation-signs.js';
import optOutCheck from './rules/opt-out-check.js';
import outputSink from './rules/output-sink.js';
import pageLocationSource from './rules/page-location-source.js';
import proseTemplate from './rules/prose-template.js';
import regionData from './rules/region-data.js';
import regionTable from './rules/region-table.js';
import systemIdentitySource from './rules/system-identity-source.js';
import timezoneSource from './rules/timezone-source.js';
import valueComparison from './rules/value-comparison.js';

export const RULES: readonly Rule[] = [
  backgroundProcess,
  delaySink,
  domSink,
  egressDataSource,
  egressDestination,
  encodedString,
  encoderCall,
  envRead,
  formatChoice,
  hashedList,
  ipGeolocationSource,
  localeSource,
  lookalikeChoice,
  mediaSink,
  modelRequestSink,
  networkEndpoints,
  networkSink,
  obfuscationSigns,
  optOutCheck,
  outputSink,
  pageLocationSource,
  proseTemplate,
  regionData,
  regionTable,
  systemIdentitySource,
  timezoneSource,
  valueComparison,
];
