// One copy of this helper serves the peer tests and the conformance suites: it lives in suites/support/.
export * from '../../../../suites/support/ids.ts';
