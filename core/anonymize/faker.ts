// @faker-js/faker's parts the replacer uses (replacer.ts), as one module. The CLI bundle does not
// hold it: scripts/build.mjs writes it to dist/faker.js, loaded when a fake value is first asked
// for, so faker's ~440 KB are not read and compiled at every pglc command's start.
// Invariant: replacer.ts is the only module that loads it, and only with require at run time.

export { Faker, base, en } from '@faker-js/faker';
