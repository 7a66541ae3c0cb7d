//! Who may do what: the role half of access control. The center half (which records a user
//! sees) is enforced by the store, which reads every record through a [`Scope`].

use casebook_store::records::Scope;
use casebook_store::users::{Role, User};

use crate::error::WebError;

/// Something a user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Read patient records and their history.
    ReadPatients,
    /// Create and edit draft or complete records, mark them complete, reopen them.
    EditPatients,
    /// Sign a complete record (center leads).
    Sign,
    /// Lock a verified record for analysis.
    Lock,
    /// Unlock a verified or locked record, giving a reason.
    Unlock,
    /// Delete a record that is not signed, giving a reason.
    Delete,
    /// Open and close data queries (coordinators).
    RaiseQueries,
    /// Answer data queries about one's own center's records.
    AnswerQueries,
    /// Run the study report (pooled across centers).
    RunReport,
    /// Download exports of the records one may read.
    Export,
    /// Add and disable users.
    ManageUsers,
}

impl Capability {
    /// The capability in words, for "your role cannot ...".
    pub fn describe(self) -> &'static str {
        match self {
            Capability::ReadPatients => "read patient records",
            Capability::EditPatients => "enter or change records",
            Capability::Sign => "sign records",
            Capability::Lock => "lock records",
            Capability::Unlock => "unlock records",
            Capability::Delete => "delete records",
            Capability::RaiseQueries => "open or close data queries",
            Capability::AnswerQueries => "answer data queries",
            Capability::RunReport => "run the pooled study report",
            Capability::Export => "download exports",
            Capability::ManageUsers => "manage users",
        }
    }
}

/// Whether `role` has `capability`: the access matrix, in one place.
pub fn allows(role: Role, capability: Capability) -> bool {
    use Capability::*;
    match role {
        Role::Administrator => matches!(capability, ManageUsers),
        Role::Coordinator => matches!(capability, ReadPatients | Lock | RaiseQueries | RunReport | Export),
        Role::CenterLead => matches!(capability, ReadPatients | EditPatients | Sign | Lock | Unlock | Delete | AnswerQueries | Export),
        Role::DataEntry => matches!(capability, ReadPatients | EditPatients | AnswerQueries),
    }
}

/// The logged-in user (through a session or an API token) and what follows from their role.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The user.
    pub user: User,
}

impl Principal {
    /// `Ok` when the user's role has `capability`, otherwise the 403 to answer.
    pub fn require(&self, capability: Capability) -> Result<(), WebError> {
        if allows(self.user.role, capability) {
            Ok(())
        } else {
            Err(WebError::Forbidden { role: self.user.role.as_str(), action: capability.describe() })
        }
    }

    /// Whether the user's role has `capability`, for showing or hiding buttons.
    pub fn may(&self, capability: Capability) -> bool {
        allows(self.user.role, capability)
    }

    /// The records the user may read: every center for a coordinator, their own center for
    /// center staff. Call only after `require(Capability::ReadPatients)`.
    pub fn scope(&self) -> Scope {
        match &self.user.center_id {
            Some(center) => Scope::Center(center.clone()),
            None => Scope::AllCenters,
        }
    }

    /// The user as the audit trail names them, giving no reason.
    pub fn actor(&self) -> casebook_store::Actor {
        casebook_store::Actor::new(&self.user.username)
    }

    /// The user's center, for center staff.
    pub fn center(&self) -> Option<&str> {
        self.user.center_id.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_center_leads_sign_and_only_administrators_manage_users() {
        for role in Role::ALL {
            assert_eq!(allows(role, Capability::Sign), role == Role::CenterLead, "{role:?}");
            assert_eq!(allows(role, Capability::ManageUsers), role == Role::Administrator, "{role:?}");
            assert_eq!(allows(role, Capability::RunReport), role == Role::Coordinator, "{role:?}");
        }
        assert!(!allows(Role::Administrator, Capability::ReadPatients), "administrators manage the system, not the data");
        assert!(!allows(Role::Coordinator, Capability::EditPatients), "coordinators query, centers correct");
    }
}
