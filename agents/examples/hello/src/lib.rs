//! Example agent: hello.
