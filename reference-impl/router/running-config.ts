// The running configuration lives with the config oracle (reference-impl/config/running-config.ts):
// it is pure, and the suites predict CLI outputs (`show config`, a refused command's error) from it
// without importing the emulator. Re-exported here for the router's own imports.
export { ACCEPTED_UNMODELLED_WORDS, maskedCommandText, RunningConfig, type ApplyOutcome } from '../config/running-config.ts';
