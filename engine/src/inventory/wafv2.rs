//! AWS WAF (v2) web ACLs: their rules, logging and the resources they protect.

use super::{Fetched, Regional};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WafInventory {
    /// Scope `REGIONAL` web ACLs of each scanned region (ALB, API Gateway, AppSync, Cognito ...).
    pub regional: Regional<Vec<WebAcl>>,
    /// Scope `CLOUDFRONT` web ACLs, listed once through us-east-1.
    pub cloudfront: Fetched<Vec<WebAcl>>,
}

/// Where a web ACL can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum WafScope {
    Regional,
    Cloudfront,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebAcl {
    pub arn: String,
    pub name: String,
    pub id: String,
    pub scope: WafScope,
    /// `GetWebACL`: default action and rules.
    pub detail: Fetched<WebAclDetail>,
    /// `GetLoggingConfiguration`; `None` when logging is off (`WAFNonexistentItemException`).
    pub logging: Fetched<Option<WafLogging>>,
    /// `ListResourcesForWebACL` (API Gateway stages and Application Load Balancers); `None`
    /// for `CLOUDFRONT` web ACLs, which distributions reference from their side.
    pub associated_resources: Option<Fetched<Vec<String>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebAclDetail {
    /// `Allow` or `Block`: what happens to a request no rule decided on.
    pub default_action: String,
    /// The web ACL's rules, then the Firewall Manager rule groups it runs before and after them.
    pub rules: Vec<WafRule>,
    /// The web ACL's own `VisibilityConfig.CloudWatchMetricsEnabled` (default-action metrics).
    pub cloudwatch_metrics: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WafRule {
    pub name: String,
    pub priority: i32,
    /// The top-level statement's kind: `ManagedRuleGroup`, `SqliMatch`, `RateBased`, `And` ...
    pub statement: String,
    /// Every statement kind in the rule, nested ones included (depth first).
    pub statement_kinds: Vec<String>,
    /// The managed rule groups the rule runs (`AWS` / `AWSManagedRulesCommonRuleSet` ...).
    pub managed_rule_groups: Vec<ManagedRuleGroup>,
    /// `Block`, `Allow`, `Count`, `Captcha`, `Challenge` for a rule; `None` for a rule group,
    /// whose rules carry their own actions.
    pub action: Option<String>,
    /// `None` (the group's own actions apply) or `Count` (they are overridden to count).
    pub override_action: Option<String>,
    /// `VisibilityConfig.CloudWatchMetricsEnabled`.
    pub cloudwatch_metrics: bool,
    /// The rule group comes from an AWS Firewall Manager policy.
    pub firewall_manager: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedRuleGroup {
    pub vendor: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WafLogging {
    /// Firehose streams, S3 buckets or log groups (`aws-waf-logs-*`) receiving the logs.
    pub destinations: Vec<String>,
}
