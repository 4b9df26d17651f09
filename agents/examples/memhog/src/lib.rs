//! Example agent: memhog.
