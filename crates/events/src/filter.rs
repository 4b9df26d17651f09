//! Which events a subscription wants: a set of categories and an agent.

use crate::{AgentId, Event};

/// The categories of [`EventKind`](crate::EventKind), one per variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Agent lifecycle changes.
    AgentLifecycle,
    /// Messages between agents.
    Ipc,
    /// Capability grants, transfers, revocations, expiries.
    Capability,
    /// Policy decisions.
    PolicyDecision,
    /// Device state changes.
    Device,
    /// Security alerts.
    Security,
}

impl Category {
    /// Every category.
    pub const ALL: [Category; 6] = [
        Category::AgentLifecycle,
        Category::Ipc,
        Category::Capability,
        Category::PolicyDecision,
        Category::Device,
        Category::Security,
    ];

    /// The category's name in topics and the API: `agent`, `ipc`,
    /// `capability`, `policy`, `device`, `security`.
    pub fn name(self) -> &'static str {
        match self {
            Category::AgentLifecycle => "agent",
            Category::Ipc => "ipc",
            Category::Capability => "capability",
            Category::PolicyDecision => "policy",
            Category::Device => "device",
            Category::Security => "security",
        }
    }

    /// The category named `name` (as [`Category::name`] writes it).
    pub fn from_name(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.name() == name)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CategorySet(u8);

impl CategorySet {
    /// No category.
    pub const EMPTY: CategorySet = CategorySet(0);
    /// Every category.
    pub const ALL: CategorySet = CategorySet(0b11_1111);

    /// This set plus `category`.
    pub fn with(self, category: Category) -> CategorySet {
        CategorySet(self.0 | category.bit())
    }

    /// True if `category` is in the set.
    pub fn contains(self, category: Category) -> bool {
        self.0 & category.bit() != 0
    }

    /// True if the set has no category.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<Category> for CategorySet {
    fn from_iter<I: IntoIterator<Item = Category>>(categories: I) -> Self {
        categories
            .into_iter()
            .fold(CategorySet::EMPTY, CategorySet::with)
    }
}

/// What a subscription receives: events whose category is in `categories`
/// and, if `agent` is set, that involve that agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filter {
    /// The categories wanted.
    pub categories: CategorySet,
    /// Only events involving this agent (see [`EventKind::involves`](crate::EventKind::involves)).
    pub agent: Option<AgentId>,
}

impl Filter {
    /// Every event.
    pub fn all() -> Filter {
        Filter {
            categories: CategorySet::ALL,
            agent: None,
        }
    }

    /// Events of `categories`, about any agent.
    pub fn categories(categories: CategorySet) -> Filter {
        Filter {
            categories,
            agent: None,
        }
    }

    /// The same filter, narrowed to events involving `agent`.
    pub fn for_agent(self, agent: AgentId) -> Filter {
        Filter {
            agent: Some(agent),
            ..self
        }
    }

    /// True if `event` passes the filter.
    pub fn matches(&self, event: &Event) -> bool {
        self.categories.contains(event.kind.category())
            && self.agent.is_none_or(|agent| event.kind.involves(agent))
    }
}
