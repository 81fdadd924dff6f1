'use strict';
// Returns the event unchanged, so a test sees exactly the payload the gateway built.
exports.handler = async (event) => event;
