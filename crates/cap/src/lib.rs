//! Capabilities, delegation with attenuation, recursive revocation and quotas.
#![no_std]
