// A node:test reporter that prints only the closing line `N passed, N failed` (used next to the
// spec reporter by scripts/run-ui-tests.ts; CI reads that line).
// Invariant: suites are not counted, except a suite that failed on its own (a hook, a crash at
// load) and not merely because one of its tests failed — so a broken file can never read "0 failed".
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    const isSuite = event.data?.details?.type === 'suite';
    if (event.type === 'test:pass' && !isSuite) passed++;
    if (event.type === 'test:fail' && (!isSuite || event.data.details?.error?.failureType !== 'subtestsFailed')) failed++;
  }
  yield `${passed} passed, ${failed} failed\n`;
}
