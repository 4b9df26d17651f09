//! Host tool: creates, inspects, checks and exports AIOS data images.
