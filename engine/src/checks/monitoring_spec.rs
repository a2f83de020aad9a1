//! What each CIS AWS Foundations Benchmark v3.0.0 section 4 metric filter must catch.
//!
//! The monitoring checks (`checks/cloudwatch.rs`) do not compare an account's filter pattern
//! with a reference string. They parse it with [`crate::filter_pattern`] and [`judge`] it
//! against the sample CloudTrail records here: every record in `must_match` must match (each
//! required event name or condition), and no record in `must_not_match` may (benign calls, and
//! the near misses a control exists to tell apart, such as a console sign-in *with* MFA for
//! 4.2). So a correct filter passes however it is written, and one that misses an event or
//! matches everything fails, with the events named.
//!
//! This module is data only: no AWS calls, no clock.

use crate::filter_pattern::FilterPattern;
use serde_json::{Map, Value, json};

/// One CIS monitoring control (4.1 to 4.15) and what its metric filter must catch.
#[derive(Debug, Clone, Copy)]
pub struct MonitoringControl {
    /// The CIS AWS Foundations Benchmark v3.0.0 id, `"4.1"` to `"4.15"`.
    pub cis_id: &'static str,
    /// The Security Hub control of the CloudWatch family, such as `"CloudWatch.2"` (part of
    /// Security Hub's CIS v1.2/v1.4 standards, not of FSBP); `None` where there is none.
    pub fsbp_id: Option<&'static str>,
    /// A short title, in our own words.
    pub title: &'static str,
    /// Which events the filter must catch, in plain words.
    pub events: &'static str,
    /// A correct filter pattern, shown in remediation.
    pub recommended_pattern: &'static str,
    /// CloudTrail records the filter must match.
    pub must_match: fn() -> Vec<Value>,
    /// Benign CloudTrail records the filter must not match.
    pub must_not_match: fn() -> Vec<Value>,
}

/// The verdict on one filter pattern for one control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// Whether every `must_match` record matched (`missed` is empty).
    pub catches_all: bool,
    /// A short description of each `must_match` record the pattern misses, such as
    /// `eventName=DeleteTrail`.
    pub missed: Vec<String>,
    /// A short description of each `must_not_match` record the pattern wrongly matches.
    pub overbroad: Vec<String>,
}

impl Judgement {
    /// Whether the filter catches every required event and none of the benign ones.
    pub fn is_adequate(&self) -> bool {
        self.missed.is_empty() && self.overbroad.is_empty()
    }
}

/// The CIS v3.0.0 monitoring controls 4.1 to 4.15, in order.
pub fn controls() -> &'static [MonitoringControl] {
    &CONTROLS
}

/// Runs `pattern` against the control's sample records.
pub fn judge(control: &MonitoringControl, pattern: &FilterPattern) -> Judgement {
    let missed: Vec<String> = (control.must_match)()
        .iter()
        .filter(|e| !pattern.matches_json(e))
        .map(describe)
        .collect();
    let overbroad = (control.must_not_match)()
        .iter()
        .filter(|e| pattern.matches_json(e))
        .map(describe)
        .collect();
    Judgement {
        catches_all: missed.is_empty(),
        missed,
        overbroad,
    }
}

/// A short description of a sample record: its event name and what sets it apart.
fn describe(event: &Value) -> String {
    let get = |path: &[&str]| {
        path.iter()
            .try_fold(event, |v, k| v.get(*k))
            .and_then(Value::as_str)
    };
    let mut label = format!("eventName={}", get(&["eventName"]).unwrap_or("(none)"));
    // Fields that tell the records of a control apart, and their unremarkable values.
    let notable: [(&[&str], &[&str]); 6] = [
        (&["errorCode"], &[]),
        (&["errorMessage"], &[]),
        (&["userIdentity", "type"], &["IAMUser"]),
        (&["userIdentity", "invokedBy"], &[]),
        (&["additionalEventData", "MFAUsed"], &[]),
        (&["eventType"], &["AwsApiCall", "AwsConsoleSignIn"]),
    ];
    let mut details = vec![];
    for (path, usual) in notable {
        if let Some(value) = get(path)
            && !usual.contains(&value)
        {
            details.push(format!("{}={value}", path.join(".")));
        }
    }
    if !details.is_empty() {
        label.push_str(&format!(" ({})", details.join(", ")));
    }
    label
}

// ----- sample records -----

const ACCOUNT: &str = "123456789012";

fn iam_user() -> Value {
    json!({
        "type": "IAMUser",
        "principalId": "AIDAEXAMPLEUSER00001",
        "arn": format!("arn:aws:iam::{ACCOUNT}:user/alice"),
        "accountId": ACCOUNT,
        "accessKeyId": "AKIAEXAMPLEKEY00001",
        "userName": "alice"
    })
}

fn root_user() -> Value {
    json!({
        "type": "Root",
        "principalId": ACCOUNT,
        "arn": format!("arn:aws:iam::{ACCOUNT}:root"),
        "accountId": ACCOUNT,
        "accessKeyId": "ASIAEXAMPLEROOT0001"
    })
}

/// A management API call by an IAM user, as CloudTrail records it.
fn api_call(source: &str, name: &str) -> Value {
    let read_only = ["Describe", "Get", "List", "Lookup"]
        .iter()
        .any(|p| name.starts_with(p));
    json!({
        "eventVersion": "1.09",
        "userIdentity": iam_user(),
        "eventTime": "2026-03-02T14:05:09Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.30 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8",
        "requestParameters": null,
        "responseElements": null,
        "requestID": "8f5c7e2a-4b1d-4c3e-9a6f-2d7e1b0c9a11",
        "eventID": "3b1e9f7c-6d2a-4e8b-b5c4-0a9d8e7f6c21",
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management"
    })
}

/// Sets `path` in `event` to `value`, creating objects on the way.
fn with(mut event: Value, path: &[&str], value: Value) -> Value {
    fn set(target: &mut Value, path: &[&str], value: Value) {
        let Some((first, rest)) = path.split_first() else {
            *target = value;
            return;
        };
        if !target.is_object() {
            *target = Value::Object(Map::new());
        }
        if let Some(object) = target.as_object_mut() {
            set(object.entry(*first).or_insert(Value::Null), rest, value);
        }
    }
    set(&mut event, path, value);
    event
}

/// A console sign-in by an IAM user.
fn console_login(mfa_used: &str, succeeded: bool) -> Value {
    let event = api_call("signin.amazonaws.com", "ConsoleLogin");
    let event = with(event, &["eventType"], json!("AwsConsoleSignIn"));
    let event = with(event, &["readOnly"], json!(false));
    let event = with(
        event,
        &["userAgent"],
        json!("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
    );
    let event = with(
        event,
        &["additionalEventData"],
        json!({
            "LoginTo": "https://console.aws.amazon.com/console/home",
            "MobileVersion": "No",
            "MFAUsed": mfa_used
        }),
    );
    let result = if succeeded { "Success" } else { "Failure" };
    let event = with(
        event,
        &["responseElements"],
        json!({ "ConsoleLogin": result }),
    );
    if succeeded {
        event
    } else {
        with(event, &["errorMessage"], json!("Failed authentication"))
    }
}

fn as_root(event: Value) -> Value {
    with(event, &["userIdentity"], root_user())
}

fn failed(event: Value, code: &str, message: &str) -> Value {
    let event = with(event, &["errorCode"], json!(code));
    with(event, &["errorMessage"], json!(message))
}

/// Calls of `names` to the service `source`.
fn calls(source: &str, names: &[&str]) -> Vec<Value> {
    names.iter().map(|n| api_call(source, n)).collect()
}

/// A benign EC2 read, plus read-only calls of the control's own service.
fn benign(source: &str, reads: &[&str]) -> Vec<Value> {
    let mut events = vec![api_call("ec2.amazonaws.com", "DescribeInstances")];
    events.extend(calls(source, reads));
    events
}

// ----- the controls -----

const IAM_POLICY_CHANGES: &[&str] = &[
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
];

const TRAIL_CHANGES: &[&str] = &[
    "CreateTrail",
    "UpdateTrail",
    "DeleteTrail",
    "StartLogging",
    "StopLogging",
];

const KEY_DISABLING: &[&str] = &["DisableKey", "ScheduleKeyDeletion"];

const BUCKET_POLICY_CHANGES: &[&str] = &[
    "PutBucketAcl",
    "PutBucketPolicy",
    "PutBucketCors",
    "PutBucketLifecycle",
    "PutBucketReplication",
    "DeleteBucketPolicy",
    "DeleteBucketCors",
    "DeleteBucketLifecycle",
    "DeleteBucketReplication",
];

const CONFIG_CHANGES: &[&str] = &[
    "StopConfigurationRecorder",
    "DeleteDeliveryChannel",
    "PutDeliveryChannel",
    "PutConfigurationRecorder",
];

const SECURITY_GROUP_CHANGES: &[&str] = &[
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
];

const NACL_CHANGES: &[&str] = &[
    "CreateNetworkAcl",
    "CreateNetworkAclEntry",
    "DeleteNetworkAcl",
    "DeleteNetworkAclEntry",
    "ReplaceNetworkAclEntry",
    "ReplaceNetworkAclAssociation",
];

const GATEWAY_CHANGES: &[&str] = &[
    "CreateCustomerGateway",
    "DeleteCustomerGateway",
    "AttachInternetGateway",
    "CreateInternetGateway",
    "DeleteInternetGateway",
    "DetachInternetGateway",
];

const ROUTE_TABLE_CHANGES: &[&str] = &[
    "CreateRoute",
    "CreateRouteTable",
    "ReplaceRoute",
    "ReplaceRouteTableAssociation",
    "DeleteRouteTable",
    "DeleteRoute",
    "DisassociateRouteTable",
];

const VPC_CHANGES: &[&str] = &[
    "CreateVpc",
    "DeleteVpc",
    "ModifyVpcAttribute",
    "AcceptVpcPeeringConnection",
    "CreateVpcPeeringConnection",
    "DeleteVpcPeeringConnection",
    "RejectVpcPeeringConnection",
    "AttachClassicLinkVpc",
    "DetachClassicLinkVpc",
    "DisableVpcClassicLink",
    "EnableVpcClassicLink",
];

const ORGANIZATIONS_CHANGES: &[&str] = &[
    "AcceptHandshake",
    "AttachPolicy",
    "CreateAccount",
    "CreateOrganizationalUnit",
    "CreatePolicy",
    "DeclineHandshake",
    "DeleteOrganization",
    "DeleteOrganizationalUnit",
    "DeletePolicy",
    "DetachPolicy",
    "DisablePolicyType",
    "EnablePolicyType",
    "InviteAccountToOrganization",
    "LeaveOrganization",
    "MoveAccount",
    "RemoveAccountFromOrganization",
    "UpdatePolicy",
    "UpdateOrganizationalUnit",
];

static CONTROLS: [MonitoringControl; 15] = [
    MonitoringControl {
        cis_id: "4.1",
        fsbp_id: Some("CloudWatch.2"),
        title: "Unauthorized API calls are alarmed",
        events: "API calls refused with an UnauthorizedOperation or AccessDenied error",
        recommended_pattern: r#"{ ($.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*") && $.sourceIPAddress != "delivery.logs.amazonaws.com" && $.eventName != "HeadBucket" }"#,
        must_match: || {
            vec![
                failed(
                    api_call("ec2.amazonaws.com", "RunInstances"),
                    "Client.UnauthorizedOperation",
                    "You are not authorized to perform this operation.",
                ),
                failed(
                    api_call("s3.amazonaws.com", "GetBucketPolicy"),
                    "AccessDenied",
                    "Access Denied",
                ),
                failed(
                    api_call("kms.amazonaws.com", "Decrypt"),
                    "AccessDeniedException",
                    "User is not authorized to perform: kms:Decrypt",
                ),
            ]
        },
        must_not_match: || {
            let mut events = benign("s3.amazonaws.com", &["ListBuckets"]);
            events.push(failed(
                api_call("ec2.amazonaws.com", "DescribeVolumes"),
                "Client.RequestLimitExceeded",
                "Request limit exceeded.",
            ));
            events
        },
    },
    MonitoringControl {
        cis_id: "4.2",
        fsbp_id: Some("CloudWatch.3"),
        title: "Console sign-in without MFA is alarmed",
        events: "successful console sign-ins by IAM users who did not use MFA",
        recommended_pattern: r#"{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" && $.userIdentity.type = "IAMUser" && $.responseElements.ConsoleLogin = "Success" }"#,
        must_match: || vec![console_login("No", true)],
        must_not_match: || {
            let mut events = benign("iam.amazonaws.com", &["GetUser"]);
            events.push(console_login("Yes", true));
            events
        },
    },
    MonitoringControl {
        cis_id: "4.3",
        fsbp_id: Some("CloudWatch.1"),
        title: "Root user activity is alarmed",
        events: "API calls and console sign-ins by the root user, other than those an AWS service makes on its behalf",
        recommended_pattern: r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        must_match: || {
            vec![
                as_root(api_call("iam.amazonaws.com", "CreateAccessKey")),
                as_root(console_login("Yes", true)),
            ]
        },
        must_not_match: || {
            let mut events = benign("iam.amazonaws.com", &["GetAccountSummary"]);
            events.push(with(
                as_root(api_call("ec2.amazonaws.com", "DescribeSecurityGroups")),
                &["userIdentity", "invokedBy"],
                json!("config.amazonaws.com"),
            ));
            let verification = as_root(api_call("signin.amazonaws.com", "CredentialVerification"));
            events.push(with(verification, &["eventType"], json!("AwsServiceEvent")));
            events
        },
    },
    MonitoringControl {
        cis_id: "4.4",
        fsbp_id: Some("CloudWatch.4"),
        title: "IAM policy changes are alarmed",
        events: "creation, change, deletion, attachment and detachment of IAM policies",
        recommended_pattern: r#"{ $.eventSource = "iam.amazonaws.com" && ($.eventName = "DeleteGroupPolicy" || $.eventName = "DeleteRolePolicy" || $.eventName = "DeleteUserPolicy" || $.eventName = "PutGroupPolicy" || $.eventName = "PutRolePolicy" || $.eventName = "PutUserPolicy" || $.eventName = "CreatePolicy" || $.eventName = "DeletePolicy" || $.eventName = "CreatePolicyVersion" || $.eventName = "DeletePolicyVersion" || $.eventName = "AttachRolePolicy" || $.eventName = "DetachRolePolicy" || $.eventName = "AttachUserPolicy" || $.eventName = "DetachUserPolicy" || $.eventName = "AttachGroupPolicy" || $.eventName = "DetachGroupPolicy") }"#,
        must_match: || calls("iam.amazonaws.com", IAM_POLICY_CHANGES),
        must_not_match: || benign("iam.amazonaws.com", &["GetPolicy", "ListPolicies"]),
    },
    MonitoringControl {
        cis_id: "4.5",
        fsbp_id: Some("CloudWatch.5"),
        title: "CloudTrail configuration changes are alarmed",
        events: "creation, update and deletion of trails, and starting or stopping their logging",
        recommended_pattern: r#"{ $.eventSource = "cloudtrail.amazonaws.com" && ($.eventName = "CreateTrail" || $.eventName = "UpdateTrail" || $.eventName = "DeleteTrail" || $.eventName = "StartLogging" || $.eventName = "StopLogging") }"#,
        must_match: || calls("cloudtrail.amazonaws.com", TRAIL_CHANGES),
        must_not_match: || {
            benign(
                "cloudtrail.amazonaws.com",
                &["DescribeTrails", "LookupEvents"],
            )
        },
    },
    MonitoringControl {
        cis_id: "4.6",
        fsbp_id: Some("CloudWatch.6"),
        title: "Console authentication failures are alarmed",
        events: "console sign-ins that failed authentication",
        recommended_pattern: r#"{ $.eventName = "ConsoleLogin" && $.errorMessage = "Failed authentication" }"#,
        must_match: || {
            // For an unknown user name CloudTrail hides the name it was given.
            let unknown = json!({"type": "IAMUser", "accountId": ACCOUNT, "accessKeyId": "", "userName": "HIDDEN_DUE_TO_SECURITY_REASONS"});
            vec![with(console_login("No", false), &["userIdentity"], unknown)]
        },
        must_not_match: || {
            let mut events = benign("iam.amazonaws.com", &["GetUser"]);
            events.push(console_login("Yes", true));
            events
        },
    },
    MonitoringControl {
        cis_id: "4.7",
        fsbp_id: Some("CloudWatch.7"),
        title: "Disabling or scheduled deletion of customer-managed KMS keys is alarmed",
        events: "DisableKey and ScheduleKeyDeletion calls to AWS KMS",
        recommended_pattern: r#"{ $.eventSource = "kms.amazonaws.com" && ($.eventName = "DisableKey" || $.eventName = "ScheduleKeyDeletion") }"#,
        must_match: || calls("kms.amazonaws.com", KEY_DISABLING),
        must_not_match: || benign("kms.amazonaws.com", &["DescribeKey", "ListKeys"]),
    },
    MonitoringControl {
        cis_id: "4.8",
        fsbp_id: Some("CloudWatch.8"),
        title: "S3 bucket policy changes are alarmed",
        events: "changes to bucket ACLs, policies, CORS, lifecycle and replication rules",
        recommended_pattern: r#"{ $.eventSource = "s3.amazonaws.com" && ($.eventName = "PutBucketAcl" || $.eventName = "PutBucketPolicy" || $.eventName = "PutBucketCors" || $.eventName = "PutBucketLifecycle" || $.eventName = "PutBucketReplication" || $.eventName = "DeleteBucketPolicy" || $.eventName = "DeleteBucketCors" || $.eventName = "DeleteBucketLifecycle" || $.eventName = "DeleteBucketReplication") }"#,
        must_match: || calls("s3.amazonaws.com", BUCKET_POLICY_CHANGES),
        must_not_match: || benign("s3.amazonaws.com", &["GetBucketPolicy", "ListBuckets"]),
    },
    MonitoringControl {
        cis_id: "4.9",
        fsbp_id: Some("CloudWatch.9"),
        title: "AWS Config configuration changes are alarmed",
        events: "stopping or changing configuration recorders, and changing or deleting delivery channels",
        recommended_pattern: r#"{ $.eventSource = "config.amazonaws.com" && ($.eventName = "StopConfigurationRecorder" || $.eventName = "DeleteDeliveryChannel" || $.eventName = "PutDeliveryChannel" || $.eventName = "PutConfigurationRecorder") }"#,
        must_match: || calls("config.amazonaws.com", CONFIG_CHANGES),
        must_not_match: || {
            benign(
                "config.amazonaws.com",
                &["DescribeConfigurationRecorders", "DescribeDeliveryChannels"],
            )
        },
    },
    MonitoringControl {
        cis_id: "4.10",
        fsbp_id: Some("CloudWatch.10"),
        title: "Security group changes are alarmed",
        events: "creation and deletion of security groups and changes to their rules",
        recommended_pattern: r#"{ $.eventSource = "ec2.amazonaws.com" && ($.eventName = "AuthorizeSecurityGroupIngress" || $.eventName = "AuthorizeSecurityGroupEgress" || $.eventName = "RevokeSecurityGroupIngress" || $.eventName = "RevokeSecurityGroupEgress" || $.eventName = "CreateSecurityGroup" || $.eventName = "DeleteSecurityGroup") }"#,
        must_match: || calls("ec2.amazonaws.com", SECURITY_GROUP_CHANGES),
        must_not_match: || benign("ec2.amazonaws.com", &["DescribeSecurityGroups"]),
    },
    MonitoringControl {
        cis_id: "4.11",
        fsbp_id: Some("CloudWatch.11"),
        title: "Network ACL changes are alarmed",
        events: "creation and deletion of network ACLs, their entries and associations",
        recommended_pattern: r#"{ $.eventSource = "ec2.amazonaws.com" && ($.eventName = "CreateNetworkAcl" || $.eventName = "CreateNetworkAclEntry" || $.eventName = "DeleteNetworkAcl" || $.eventName = "DeleteNetworkAclEntry" || $.eventName = "ReplaceNetworkAclEntry" || $.eventName = "ReplaceNetworkAclAssociation") }"#,
        must_match: || calls("ec2.amazonaws.com", NACL_CHANGES),
        must_not_match: || benign("ec2.amazonaws.com", &["DescribeNetworkAcls"]),
    },
    MonitoringControl {
        cis_id: "4.12",
        fsbp_id: Some("CloudWatch.12"),
        title: "Network gateway changes are alarmed",
        events: "creation, deletion, attachment and detachment of customer and internet gateways",
        recommended_pattern: r#"{ $.eventSource = "ec2.amazonaws.com" && ($.eventName = "CreateCustomerGateway" || $.eventName = "DeleteCustomerGateway" || $.eventName = "AttachInternetGateway" || $.eventName = "CreateInternetGateway" || $.eventName = "DeleteInternetGateway" || $.eventName = "DetachInternetGateway") }"#,
        must_match: || calls("ec2.amazonaws.com", GATEWAY_CHANGES),
        must_not_match: || {
            benign(
                "ec2.amazonaws.com",
                &["DescribeInternetGateways", "DescribeCustomerGateways"],
            )
        },
    },
    MonitoringControl {
        cis_id: "4.13",
        fsbp_id: Some("CloudWatch.13"),
        title: "Route table changes are alarmed",
        events: "creation, replacement and deletion of routes and route tables, and changes to their associations",
        recommended_pattern: r#"{ $.eventSource = "ec2.amazonaws.com" && ($.eventName = "CreateRoute" || $.eventName = "CreateRouteTable" || $.eventName = "ReplaceRoute" || $.eventName = "ReplaceRouteTableAssociation" || $.eventName = "DeleteRouteTable" || $.eventName = "DeleteRoute" || $.eventName = "DisassociateRouteTable") }"#,
        must_match: || calls("ec2.amazonaws.com", ROUTE_TABLE_CHANGES),
        must_not_match: || benign("ec2.amazonaws.com", &["DescribeRouteTables"]),
    },
    MonitoringControl {
        cis_id: "4.14",
        fsbp_id: Some("CloudWatch.14"),
        title: "VPC changes are alarmed",
        events: "creation, deletion and attribute changes of VPCs, VPC peering and ClassicLink changes",
        recommended_pattern: r#"{ $.eventSource = "ec2.amazonaws.com" && ($.eventName = "CreateVpc" || $.eventName = "DeleteVpc" || $.eventName = "ModifyVpcAttribute" || $.eventName = "AcceptVpcPeeringConnection" || $.eventName = "CreateVpcPeeringConnection" || $.eventName = "DeleteVpcPeeringConnection" || $.eventName = "RejectVpcPeeringConnection" || $.eventName = "AttachClassicLinkVpc" || $.eventName = "DetachClassicLinkVpc" || $.eventName = "DisableVpcClassicLink" || $.eventName = "EnableVpcClassicLink") }"#,
        must_match: || calls("ec2.amazonaws.com", VPC_CHANGES),
        must_not_match: || {
            benign(
                "ec2.amazonaws.com",
                &["DescribeVpcs", "DescribeVpcPeeringConnections"],
            )
        },
    },
    MonitoringControl {
        cis_id: "4.15",
        fsbp_id: None,
        title: "AWS Organizations changes are alarmed",
        events: "changes to the organization: accounts, organizational units, policies and handshakes",
        recommended_pattern: r#"{ $.eventSource = "organizations.amazonaws.com" && ($.eventName = "AcceptHandshake" || $.eventName = "AttachPolicy" || $.eventName = "CreateAccount" || $.eventName = "CreateOrganizationalUnit" || $.eventName = "CreatePolicy" || $.eventName = "DeclineHandshake" || $.eventName = "DeleteOrganization" || $.eventName = "DeleteOrganizationalUnit" || $.eventName = "DeletePolicy" || $.eventName = "DetachPolicy" || $.eventName = "DisablePolicyType" || $.eventName = "EnablePolicyType" || $.eventName = "InviteAccountToOrganization" || $.eventName = "LeaveOrganization" || $.eventName = "MoveAccount" || $.eventName = "RemoveAccountFromOrganization" || $.eventName = "UpdatePolicy" || $.eventName = "UpdateOrganizationalUnit") }"#,
        must_match: || calls("organizations.amazonaws.com", ORGANIZATIONS_CHANGES),
        must_not_match: || {
            benign(
                "organizations.amazonaws.com",
                &["DescribeOrganization", "ListAccounts"],
            )
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter_pattern::{self, Comparison, Condition, Expr, Step, Test, TextPattern};

    fn parse(pattern: &str) -> FilterPattern {
        match filter_pattern::parse(pattern) {
            Ok(p) => p,
            Err(e) => panic!("{pattern:?}: {e}"),
        }
    }

    fn control(id: &str) -> &'static MonitoringControl {
        controls().iter().find(|c| c.cis_id == id).unwrap()
    }

    fn judge_text(id: &str, pattern: &str) -> Judgement {
        judge(control(id), &parse(pattern))
    }

    #[test]
    fn controls_are_cis_4_1_to_4_15_with_their_security_hub_ids() {
        let ids: Vec<&str> = controls().iter().map(|c| c.cis_id).collect();
        let expected: Vec<String> = (1..=15).map(|i| format!("4.{i}")).collect();
        assert_eq!(ids, expected);
        let fsbp: Vec<Option<&str>> = controls().iter().map(|c| c.fsbp_id).collect();
        assert_eq!(fsbp[0], Some("CloudWatch.2"));
        assert_eq!(fsbp[1], Some("CloudWatch.3"));
        assert_eq!(fsbp[2], Some("CloudWatch.1"));
        for (i, id) in fsbp.iter().enumerate().take(14).skip(3) {
            assert_eq!(*id, Some(format!("CloudWatch.{}", i + 1)).as_deref());
        }
        assert_eq!(fsbp[14], None);
    }

    #[test]
    fn every_control_accepts_its_own_recommended_pattern() {
        for c in controls() {
            let j = judge(c, &parse(c.recommended_pattern));
            assert!(j.is_adequate(), "{}: {j:?}", c.cis_id);
            assert!(j.catches_all);
        }
    }

    #[test]
    fn recommended_patterns_fit_the_aws_length_limit_and_are_json_patterns() {
        for c in controls() {
            assert!(
                c.recommended_pattern.len() <= 1024,
                "{} is {} bytes",
                c.cis_id,
                c.recommended_pattern.len()
            );
            assert!(
                matches!(parse(c.recommended_pattern), FilterPattern::Json(_)),
                "{}",
                c.cis_id
            );
            assert!(!c.title.is_empty() && !c.events.is_empty());
        }
    }

    #[test]
    fn sample_records_are_realistic_and_distinctly_described() {
        for c in controls() {
            let must = (c.must_match)();
            let must_not = (c.must_not_match)();
            assert!(!must.is_empty() && !must_not.is_empty(), "{}", c.cis_id);
            for e in must.iter().chain(&must_not) {
                assert_eq!(e["eventVersion"], "1.09");
                assert!(
                    e["eventSource"]
                        .as_str()
                        .unwrap()
                        .ends_with(".amazonaws.com")
                );
                assert_eq!(e["awsRegion"], "us-east-1");
                assert_eq!(e["recipientAccountId"], ACCOUNT);
                assert!(e["userIdentity"]["type"].is_string());
                assert!(e["eventType"].is_string());
            }
            for e in &must {
                // Values a good 4.1 filter may exclude never appear in required records.
                assert_ne!(e["sourceIPAddress"], "delivery.logs.amazonaws.com");
                assert_ne!(e["eventName"], "HeadBucket");
            }
            let mut labels: Vec<String> = must.iter().chain(&must_not).map(describe).collect();
            let count = labels.len();
            labels.sort();
            labels.dedup();
            assert_eq!(
                labels.len(),
                count,
                "{}: labels must tell records apart",
                c.cis_id
            );
        }
    }

    #[test]
    fn cis_published_unauthorized_api_calls_pattern_is_adequate() {
        let cis = r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#;
        assert!(judge_text("4.1", cis).is_adequate());
        let older =
            r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#;
        assert!(judge_text("4.1", older).is_adequate());
    }

    #[test]
    fn cis_style_patterns_without_event_source_are_adequate() {
        let cases = [
            (
                "4.2",
                r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
            ),
            (
                "4.3",
                r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
            ),
            (
                "4.5",
                "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
            ),
            (
                "4.6",
                r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
            ),
            (
                "4.10",
                "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
            ),
        ];
        for (id, pattern) in cases {
            let j = judge_text(id, pattern);
            assert!(j.is_adequate(), "{id}: {j:?}");
        }
    }

    #[test]
    fn reworded_patterns_are_still_adequate() {
        let cases = [
            (
                "4.2",
                "{\n  ($.responseElements.ConsoleLogin = Success)\n  && (($.userIdentity.type = IAMUser))\n  && ($.additionalEventData.MFAUsed != Yes)\n  && ($.eventName = ConsoleLogin)\n}",
            ),
            (
                "4.3",
                r#"{($.eventType!="AwsServiceEvent")&&(($.userIdentity.invokedBy NOT EXISTS)&&($.userIdentity.type="Root"))}"#,
            ),
            (
                "4.5",
                "{($.eventName=StopLogging)||($.eventName=StartLogging)||(($.eventName=DeleteTrail)||($.eventName=UpdateTrail))||($.eventName=CreateTrail)}",
            ),
            (
                "4.7",
                "{ (($.eventName = ScheduleKeyDeletion) || ($.eventName = DisableKey))\n\t&& ($.eventSource = kms.amazonaws.com) }",
            ),
        ];
        for (id, pattern) in cases {
            let j = judge_text(id, pattern);
            assert!(j.is_adequate(), "{id}: {j:?}");
        }
        // Wildcards, a regex and an extra clause that keeps every required event are fine.
        let wildcards = r#"{ $.eventSource = "ec2.amazonaws.com" && ($.eventName = "CreateRoute*" || $.eventName = "ReplaceRoute*" || $.eventName = "DeleteRoute*" || $.eventName = %^DisassociateRouteTable$%) && $.readOnly IS FALSE }"#;
        let j = judge_text("4.13", wildcards);
        assert!(j.is_adequate(), "{j:?}");
    }

    /// Removes the clauses `$.eventName = name` that sit among alternatives.
    fn without_event(expr: &Expr<Condition>, name: &str) -> Expr<Condition> {
        let is_name = |e: &Expr<Condition>| {
            matches!(e, Expr::Leaf(Condition { selector, test: Test::Compare(Comparison::Text { negated: false, pattern: TextPattern::Wildcard(w) }) })
                if selector.0 == [Step::Key("eventName".into())] && w == name)
        };
        match expr {
            Expr::Or(items) => Expr::Or(
                items
                    .iter()
                    .filter(|e| !is_name(e))
                    .map(|e| without_event(e, name))
                    .collect(),
            ),
            Expr::And(items) => Expr::And(items.iter().map(|e| without_event(e, name)).collect()),
            Expr::Leaf(_) => expr.clone(),
        }
    }

    #[test]
    fn dropping_any_event_name_is_caught_and_named() {
        for c in controls()
            .iter()
            .filter(|c| !["4.1", "4.2", "4.3", "4.6"].contains(&c.cis_id))
        {
            let FilterPattern::Json(expr) = parse(c.recommended_pattern) else {
                panic!("{}", c.cis_id)
            };
            for event in (c.must_match)() {
                let name = event["eventName"].as_str().unwrap();
                let reduced = FilterPattern::Json(without_event(&expr, name));
                assert_ne!(
                    reduced,
                    FilterPattern::Json(expr.clone()),
                    "{}: {name} not found",
                    c.cis_id
                );
                let j = judge(c, &reduced);
                assert!(!j.is_adequate() && !j.catches_all, "{}: {name}", c.cis_id);
                assert_eq!(j.missed, vec![format!("eventName={name}")], "{}", c.cis_id);
                assert!(j.overbroad.is_empty());
            }
        }
    }

    #[test]
    fn a_trail_filter_missing_stop_logging_names_it() {
        let j = judge_text(
            "4.5",
            "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }",
        );
        assert_eq!(
            j,
            Judgement {
                catches_all: false,
                missed: vec!["eventName=StopLogging".into()],
                overbroad: vec![]
            }
        );
    }

    #[test]
    fn patterns_matching_everything_are_overbroad() {
        for c in controls() {
            for pattern in [
                "{ $.eventName = * }",
                "{ ($.eventSource = *) }",
                "",
                "{ $.eventVersion = * }",
            ] {
                let j = judge(c, &parse(pattern));
                assert!(j.catches_all, "{} {pattern}", c.cis_id);
                assert!(
                    !j.overbroad.is_empty() && !j.is_adequate(),
                    "{} {pattern}",
                    c.cis_id
                );
            }
        }
    }

    #[test]
    fn near_misses_each_control_exists_to_tell_apart_are_overbroad() {
        let j = judge_text("4.1", "{ $.errorCode = * }");
        assert_eq!(
            j.overbroad,
            [
                "eventName=DescribeVolumes (errorCode=Client.RequestLimitExceeded, errorMessage=Request limit exceeded.)"
            ]
        );
        let j = judge_text("4.2", "{ $.eventName = ConsoleLogin }");
        assert_eq!(
            j.overbroad,
            ["eventName=ConsoleLogin (additionalEventData.MFAUsed=Yes)"]
        );
        let j = judge_text("4.2", r#"{ $.additionalEventData.MFAUsed != "Yes" }"#);
        assert!(
            j.overbroad.len() >= 2,
            "a missing MFAUsed is not \"Yes\": {j:?}"
        );
        let j = judge_text("4.3", r#"{ $.userIdentity.type = "Root" }"#);
        assert_eq!(
            j.overbroad,
            [
                "eventName=DescribeSecurityGroups (userIdentity.type=Root, userIdentity.invokedBy=config.amazonaws.com)",
                "eventName=CredentialVerification (userIdentity.type=Root, eventType=AwsServiceEvent)",
            ]
        );
        let j = judge_text("4.6", "{ $.eventName = ConsoleLogin }");
        assert_eq!(
            j.overbroad,
            ["eventName=ConsoleLogin (additionalEventData.MFAUsed=Yes)"]
        );
        let j = judge_text("4.7", "{ $.eventSource = kms.amazonaws.com }");
        assert_eq!(j.overbroad, ["eventName=DescribeKey", "eventName=ListKeys"]);
    }

    #[test]
    fn filters_for_the_wrong_thing_miss_events_and_say_which() {
        let j = judge_text(
            "4.3",
            r#"{ $.userIdentity.type = "Root" && $.eventType = "AwsApiCall" }"#,
        );
        assert_eq!(
            j.missed,
            ["eventName=ConsoleLogin (userIdentity.type=Root, additionalEventData.MFAUsed=Yes)"]
        );
        let j = judge_text("4.1", r#"{ $.errorCode = "AccessDenied" }"#);
        assert_eq!(
            j.missed,
            [
                "eventName=RunInstances (errorCode=Client.UnauthorizedOperation, errorMessage=You are not authorized to perform this operation.)",
                "eventName=Decrypt (errorCode=AccessDeniedException, errorMessage=User is not authorized to perform: kms:Decrypt)",
            ]
        );
        let j = judge_text("4.8", "[..., status = 4*]");
        assert_eq!(
            j.missed.len(),
            BUCKET_POLICY_CHANGES.len(),
            "space-delimited filters never match JSON"
        );
        let j = judge_text(
            "4.6",
            r#"{ $.eventName = "ConsoleLogin" && $.errorMessage = "Failed authentication" && $.userIdentity.userName = "alice" }"#,
        );
        assert_eq!(
            j.missed,
            [
                "eventName=ConsoleLogin (errorMessage=Failed authentication, additionalEventData.MFAUsed=No)"
            ]
        );
    }
}
