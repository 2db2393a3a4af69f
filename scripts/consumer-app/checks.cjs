// require() of every main entry from CommonJS, as a CJS app meets the packages.
const assert = require("node:assert/strict");

const core = require("@lunas/core");
assert.equal(typeof core.createTokenProvider, "function");
const xendit = require("@lunas/xendit");
assert.equal(typeof xendit.createXenditWebhooks, "function");
const rapatin = require("@lunas/rapatin");
assert.equal(typeof rapatin.createMeetingBooker, "function");
