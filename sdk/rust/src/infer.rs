//! Generation with the kernel's language model: `infer` queues a request
//! and the text comes back, a piece at a time, as messages from the
//! kernel, which a [`Generation`] receives.

use crate::status::{check, check_wide};
use aios_abi::Error;
use aios_abi::payload::{INFER_TOKEN_INTENT, InferRequest, InferToken, RecvFilter};

/// A generation under way.
#[derive(Debug)]
pub struct Generation {
    id: u64,
    done: bool,
}

/// Queues `request` with the kernel's language model (needs `read` on a
/// Model capability for `smollm2` or `*`; its quota is a token budget,
/// charged for the prompt now and for each token generated).
/// `Error::Unavailable` means the model is not installed; `WouldBlock`
/// that the caller (or the kernel) has as many requests as it may.
pub fn infer(model_cap: u32, request: &InferRequest) -> Result<Generation, Error> {
    let bytes = aios_abi::encode(request);
    // SAFETY: `bytes` is a live buffer the kernel only reads.
    let id = check_wide(unsafe { crate::sys::infer(model_cap, bytes.as_ptr(), bytes.len()) })?;
    Ok(Generation { id, done: false })
}

impl Generation {
    /// The request id (the conversation id of its messages).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// True once the last piece was received.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The next piece of text, waiting up to `timeout_ns`; `None` after the
    /// last one (whose `finish` says why generation ended).
    pub fn next_piece(&mut self, timeout_ns: u64) -> Result<Option<InferToken>, Error> {
        if self.done {
            return Ok(None);
        }
        let filter = RecvFilter {
            intent: Some(INFER_TOKEN_INTENT.into()),
            from: Some(0),
            conversation: Some(self.id),
        };
        let message = crate::messaging::recv(&filter, timeout_ns)?;
        let piece: InferToken = aios_abi::decode(&message.body)?;
        self.done = piece.finish.is_some();
        Ok(Some(piece))
    }

    /// Asks the kernel to stop; the last piece then comes with
    /// `finish::CANCELLED` (or whatever ended it first).
    pub fn cancel(&self) -> Result<(), Error> {
        check(crate::sys::infer_cancel(self.id)).map(drop)
    }
}
