//! Authorization: what a signed-in user may do (their [`Role`]) and which linked accounts
//! they may see (their [`Scope`]), derived from their identity-provider groups only. How the
//! user was authenticated (Cognito tokens, sessions) lives elsewhere; this module knows
//! nothing of HTTP or of tokens.
//!
//! Groups:
//! - `rampart-admin`: everything, every account (linked accounts, settings, the audit log);
//! - `rampart-analyst`: read, start scans, mute/accept findings, export;
//! - `rampart-viewer`: read only.
//!
//! The highest recognised role group wins; without one, no access at all. `team-<name>`
//! grants the accounts whose `owner_team` is `<name>`. Admins see every account whatever
//! their team groups. A non-admin without any team group sees no account (the safe default:
//! a missing group mapping must never widen access).

use std::collections::BTreeSet;

/// What a user may do, lowest first (so `Ord` compares privilege).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Viewer,
    Analyst,
    Admin,
}

impl Role {
    /// The role a group grants, if it is one of Rampart's role groups.
    pub fn from_group(group: &str) -> Option<Role> {
        match group {
            "rampart-admin" => Some(Role::Admin),
            "rampart-analyst" => Some(Role::Analyst),
            "rampart-viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
}

/// The prefix of team groups: `team-payments` grants the accounts owned by `payments`.
pub const TEAM_PREFIX: &str = "team-";

/// Which linked accounts a user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every account (admins, and the unauthenticated demo).
    All,
    /// The accounts whose `owner_team` is one of these (possibly none).
    Teams(BTreeSet<String>),
}

impl Scope {
    /// Whether an account owned by `owner_team` is visible. An account without an owner
    /// team (`""`) is visible only to [`Scope::All`].
    pub fn allows_team(&self, owner_team: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Teams(teams) => !owner_team.is_empty() && teams.contains(owner_team),
        }
    }
}

/// A user's authorization: who, what they may do, which accounts they may see. Built from
/// groups by [`Access::from_groups`]; the web layer reads it from the request extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub user: String,
    pub role: Role,
    pub scope: Scope,
}

impl Access {
    /// The access `groups` grant to `user`; `None` when no group is a Rampart role group.
    pub fn from_groups(user: impl Into<String>, groups: &[String]) -> Option<Access> {
        let role = groups.iter().filter_map(|g| Role::from_group(g)).max()?;
        let scope = if role == Role::Admin {
            Scope::All
        } else {
            Scope::Teams(
                groups
                    .iter()
                    .filter_map(|g| g.strip_prefix(TEAM_PREFIX))
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )
        };
        Some(Access {
            user: user.into(),
            role,
            scope,
        })
    }

    /// Everything, for the dashboard running without authentication (`rampart demo`,
    /// loopback-only serving).
    pub fn full(user: impl Into<String>) -> Access {
        Access {
            user: user.into(),
            role: Role::Admin,
            scope: Scope::All,
        }
    }

    /// Start scans and import snapshots.
    pub fn can_scan(&self) -> bool {
        self.role >= Role::Analyst
    }

    /// Import snapshots: writes a scan into whatever account the file names, which may be
    /// outside a team scope, so it needs the scan permission *and* every account.
    pub fn can_import(&self) -> bool {
        self.can_scan() && self.scope == Scope::All
    }

    /// Mute or accept findings.
    pub fn can_mute(&self) -> bool {
        self.role >= Role::Analyst
    }

    /// Export findings (CSV, JSON).
    pub fn can_export(&self) -> bool {
        self.role >= Role::Analyst
    }

    /// Linked accounts, settings and the audit log.
    pub fn can_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(g: &[&str]) -> Vec<String> {
        g.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_highest_recognised_role_group_wins() {
        let a = Access::from_groups("ana", &groups(&["rampart-viewer", "rampart-analyst"]));
        assert_eq!(a.map(|a| a.role), Some(Role::Analyst));
        let a = Access::from_groups("ada", &groups(&["rampart-admin", "rampart-viewer", "x"]));
        assert_eq!(a.map(|a| a.role), Some(Role::Admin));
    }

    #[test]
    fn no_role_group_means_no_access_even_with_team_groups() {
        assert_eq!(Access::from_groups("x", &groups(&["team-payments"])), None);
        assert_eq!(Access::from_groups("x", &[]), None);
        assert_eq!(Access::from_groups("x", &groups(&["Rampart-Admin"])), None);
    }

    #[test]
    fn team_groups_scope_non_admins_and_admins_see_everything() {
        let a = Access::from_groups(
            "ana",
            &groups(&["rampart-analyst", "team-payments", "team-web", "team-"]),
        )
        .unwrap();
        assert_eq!(
            a.scope,
            Scope::Teams(["payments".to_owned(), "web".to_owned()].into())
        );
        assert!(a.scope.allows_team("payments"));
        assert!(!a.scope.allows_team("security"));
        assert!(!a.scope.allows_team(""));
        let admin = Access::from_groups("ada", &groups(&["rampart-admin"])).unwrap();
        assert_eq!(admin.scope, Scope::All);
        assert!(admin.scope.allows_team(""));
    }

    #[test]
    fn a_non_admin_without_team_groups_sees_no_account() {
        let v = Access::from_groups("vi", &groups(&["rampart-viewer"])).unwrap();
        assert_eq!(v.scope, Scope::Teams(BTreeSet::new()));
        assert!(!v.scope.allows_team("platform"));
    }

    #[test]
    fn permissions_follow_the_role() {
        let v = Access::from_groups("v", &groups(&["rampart-viewer"])).unwrap();
        assert!(!v.can_scan() && !v.can_mute() && !v.can_export() && !v.can_admin());
        let a = Access::from_groups("a", &groups(&["rampart-analyst"])).unwrap();
        assert!(a.can_scan() && a.can_mute() && a.can_export() && !a.can_admin());
        assert!(
            !a.can_import(),
            "a team-scoped analyst could import into any account"
        );
        let full = Access::full("demo");
        assert!(full.can_scan() && full.can_export() && full.can_admin() && full.can_import());
        assert_eq!(full.scope, Scope::All);
    }
}
