//! Resource limits: a store's [`ResourceLimiter`] decides whether a memory
//! or table may be created or grow, and caps how many instances a store
//! holds. [`StoreLimits`] is the ready-made one.

use anyhow::Result;

/// Consulted whenever a memory or table is created or grows.
pub trait ResourceLimiter: Send + Sync {
    /// A memory wants to grow from `current` to `desired` bytes (`maximum`
    /// is its declared maximum). `Ok(false)` refuses: `memory.grow` returns
    /// -1, creation fails. An error refuses the same way.
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool>;

    /// A table wants to grow from `current` to `desired` elements.
    /// `Ok(false)` refuses: `table.grow` returns -1, creation fails. An
    /// error refuses the same way.
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool>;

    /// The most instances the store may hold.
    fn instances(&self) -> usize {
        10_000
    }

    /// The most linear memories the store may hold (imported ones count
    /// where they were made).
    fn memories(&self) -> usize {
        10_000
    }

    /// The most tables the store may hold.
    fn tables(&self) -> usize {
        10_000
    }
}

/// A limiter with fixed caps, built by [`StoreLimitsBuilder`].
#[derive(Clone, Debug)]
pub struct StoreLimits {
    memory_size: Option<usize>,
    table_elements: Option<usize>,
    instances: usize,
    memories: usize,
    tables: usize,
}

impl Default for StoreLimits {
    fn default() -> StoreLimits {
        StoreLimits {
            memory_size: None,
            table_elements: None,
            instances: 10_000,
            memories: 10_000,
            tables: 10_000,
        }
    }
}

impl ResourceLimiter for StoreLimits {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool> {
        Ok(self.memory_size.is_none_or(|max| desired <= max))
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool> {
        Ok(self.table_elements.is_none_or(|max| desired <= max))
    }

    fn instances(&self) -> usize {
        self.instances
    }

    fn memories(&self) -> usize {
        self.memories
    }

    fn tables(&self) -> usize {
        self.tables
    }
}

/// Builds [`StoreLimits`].
#[derive(Clone, Debug, Default)]
pub struct StoreLimitsBuilder(StoreLimits);

impl StoreLimitsBuilder {
    /// No limits yet.
    pub fn new() -> StoreLimitsBuilder {
        StoreLimitsBuilder::default()
    }
    /// The most bytes any one memory may have.
    pub fn memory_size(mut self, bytes: usize) -> Self {
        self.0.memory_size = Some(bytes);
        self
    }
    /// The most elements any one table may have.
    pub fn table_elements(mut self, n: usize) -> Self {
        self.0.table_elements = Some(n);
        self
    }
    /// The most instances the store may hold.
    pub fn instances(mut self, n: usize) -> Self {
        self.0.instances = n;
        self
    }
    /// The most linear memories the store may hold.
    pub fn memories(mut self, n: usize) -> Self {
        self.0.memories = n;
        self
    }
    /// The most tables the store may hold.
    pub fn tables(mut self, n: usize) -> Self {
        self.0.tables = n;
        self
    }
    /// The limits.
    pub fn build(self) -> StoreLimits {
        self.0
    }
}
