//! Example agent: spawner.
