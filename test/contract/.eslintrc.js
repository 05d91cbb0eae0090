module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Behaviours are test blocks: `behaviour(name, async t => { expect(...) })`.
    'jest/no-standalone-expect': [
      'error',
      { additionalTestBlockFunctions: ['behaviour'] },
    ],
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expect*'] },
    ],
  },
  overrides: [
    {
      // The contract DSL itself declares the jest blocks.
      files: ['src/lib/contract.ts'],
      rules: {
        'jest/no-export': 'off',
        'jest/valid-title': 'off',
        'jest/no-disabled-tests': 'off',
        'jest/expect-expect': 'off',
      },
    },
  ],
});
