//! Agents the API starts and stops: the runtime's own spawn and kill, as
//! the `agent_spawn` and `agent_kill` syscalls use them, with the policy
//! already asked ([`Runtime::api_request`]) on the image or the agent.

use super::ApiError;
use crate::Runtime;
use aios_abi::Error;
use alloc::format;
use alloc::string::String;

impl Runtime {
    /// Starts an agent from image `image` for the API, with no parent
    /// (as the kernel starts boot agents): its restart policy and
    /// quotas are its manifest's. Returns its id and name. An unknown
    /// image is `NotFound`; one refused at load or that does not
    /// instantiate is `ImageRefused`; capabilities that cannot be issued
    /// are `QuotaExceeded`.
    pub fn api_spawn(&self, image: &str) -> Result<(u64, String), ApiError> {
        let id = self
            .spawn(image, None)
            .map_err(|e| ApiError::new(e.code(), format!("{e}")))?;
        Ok((id, String::from(image)))
    }

    /// Stops agent `id` for the API. An id the node does not know (or
    /// has forgotten) is `NotFound`; an agent that already ended is
    /// `Closed`, with its state.
    pub fn api_kill(&self, id: u64) -> Result<(), ApiError> {
        let info = self
            .info(id)
            .ok_or_else(|| ApiError::new(Error::NotFound, format!("no agent {id}")))?;
        if info.state.is_final() || !self.kill(id) {
            let state = self.info(id).map_or("gone", |i| i.state.name());
            return Err(ApiError::new(
                Error::Closed,
                format!("agent {id} ({}) has already ended: {state}", info.name),
            ));
        }
        Ok(())
    }
}
