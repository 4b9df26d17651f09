//! Example agent: spinner.
