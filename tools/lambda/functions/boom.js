'use strict';
exports.handler = async () => {
  throw new Error('kaboom');
};
