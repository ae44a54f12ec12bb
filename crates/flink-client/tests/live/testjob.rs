//! Live-test support: the test job jar, uploaded and run on the cluster under test.
