/** Apple's environment names as values (`Environment.SANDBOX === 'Sandbox'`). */
export declare const Environment: {
  readonly SANDBOX: 'Sandbox';
  readonly PRODUCTION: 'Production';
  readonly XCODE: 'Xcode';
  readonly LOCAL_TESTING: 'LocalTesting';
};
/** One of Apple's environment names. */
export type Environment = (typeof Environment)[keyof typeof Environment];
