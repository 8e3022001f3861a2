/** This build's version, sent as the OpenTelemetry scope version. Kept in step with package.json by a unit test. */
export const VERSION = '0.1.0';
