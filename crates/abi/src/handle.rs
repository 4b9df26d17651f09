//! Capability handles as agents see them: a table index and a generation
//! packed into a `u32`, so a handle to a freed slot never matches again.

/// A handle into the calling agent's capability table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Handle(pub u32);

impl Handle {
    /// Packs a slot index (< 65,536) and generation.
    pub fn new(index: u16, generation: u16) -> Handle {
        Handle((u32::from(generation) << 16) | u32::from(index))
    }

    /// The slot index.
    pub fn index(self) -> u16 {
        self.0 as u16
    }

    /// The slot generation.
    pub fn generation(self) -> u16 {
        (self.0 >> 16) as u16
    }

    /// The raw value passed through the ABI.
    pub fn raw(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_index_and_generation() {
        let h = Handle::new(0x1234, 0xBEEF);
        assert_eq!((h.index(), h.generation()), (0x1234, 0xBEEF));
        assert_eq!(Handle(h.raw()), h);
    }
}
