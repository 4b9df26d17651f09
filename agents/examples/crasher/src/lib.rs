//! Example agent: crasher.
