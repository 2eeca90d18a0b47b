//! The catalogue as SQL: functions over `&Connection` (a `Transaction` derefs
//! to one), so callers compose them in one transaction. Nothing here touches
//! a file.

pub mod catalog;
pub mod details;
pub mod images;
pub mod inventory;
pub mod lookup;
pub mod order;
pub mod profile;
pub mod search;
