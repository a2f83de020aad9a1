//! What each CIS AWS Foundations v3.0.0 section 4 metric filter must catch: sample
//! CloudTrail records it must match and benign ones it must not. A filter is judged by
//! running it against these events, so its wording does not matter, only its meaning.

use crate::filter_pattern::FilterPattern;
use serde_json::{Value, json};

/// One CIS monitoring control.
pub struct MonitoringControl {
    pub cis_id: &'static str,
    pub title: &'static str,
    /// Which events the filter must catch, in plain words.
    pub events: &'static str,
    /// A correct pattern, shown in remediation.
    pub recommended_pattern: &'static str,
    /// Records the filter must match, with a short label each.
    pub must_match: fn() -> Vec<(String, Value)>,
    /// Records the filter must not match.
    pub must_not_match: fn() -> Vec<(String, Value)>,
}

/// The verdict on one filter for one control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// Labels of required events the filter misses.
    pub missed: Vec<String>,
    /// Labels of benign events the filter wrongly matches.
    pub overbroad: Vec<String>,
}

impl Judgement {
    pub fn is_adequate(&self) -> bool {
        self.missed.is_empty() && self.overbroad.is_empty()
    }
}

pub fn judge(control: &MonitoringControl, pattern: &FilterPattern) -> Judgement {
    Judgement {
        missed: (control.must_match)()
            .into_iter()
            .filter(|(_, e)| !pattern.matches_json(e))
            .map(|(l, _)| l)
            .collect(),
        overbroad: (control.must_not_match)()
            .into_iter()
            .filter(|(_, e)| pattern.matches_json(e))
            .map(|(l, _)| l)
            .collect(),
    }
}

/// A realistic CloudTrail record of an IAM user's API call.
fn record(source: &str, name: &str) -> Value {
    json!({
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEPRINCIPAL",
            "arn": "arn:aws:iam::123456789012:user/alice",
            "accountId": "123456789012",
            "accessKeyId": "AKIAEXAMPLEKEY00001",
            "userName": "alice"
        },
        "eventTime": "2026-06-01T12:00:00Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": {},
        "responseElements": null,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": "123456789012"
    })
}

fn calls(source: &'static str, names: &[&str]) -> Vec<(String, Value)> {
    names
        .iter()
        .map(|n| (format!("eventName={n}"), record(source, n)))
        .collect()
}

fn benign() -> Vec<(String, Value)> {
    vec![
        (
            "benign DescribeInstances".into(),
            record("ec2.amazonaws.com", "DescribeInstances"),
        ),
        (
            "benign GetObject".into(),
            record("s3.amazonaws.com", "ListBuckets"),
        ),
    ]
}

fn with(mut v: Value, path: &[&str], value: Value) -> Value {
    let mut cur = &mut v;
    for (i, key) in path.iter().enumerate() {
        if i + 1 == path.len() {
            cur[*key] = value;
            break;
        }
        if !cur[*key].is_object() {
            cur[*key] = json!({});
        }
        cur = &mut cur[*key];
    }
    v
}

fn console_login(mfa: &str, result: &str) -> Value {
    let v = record("signin.amazonaws.com", "ConsoleLogin");
    let v = with(
        v,
        &["additionalEventData"],
        json!({"LoginTo": "https://console.aws.amazon.com/", "MobileVersion": "No", "MFAUsed": mfa}),
    );
    with(v, &["responseElements"], json!({"ConsoleLogin": result}))
}

fn root(v: Value) -> Value {
    with(
        v,
        &["userIdentity"],
        json!({"type": "Root", "principalId": "123456789012", "arn": "arn:aws:iam::123456789012:root", "accountId": "123456789012"}),
    )
}

static CONTROLS: [MonitoringControl; 15] = [
    MonitoringControl {
        cis_id: "4.1",
        title: "Unauthorized API calls",
        events: "API calls refused with UnauthorizedOperation or AccessDenied",
        recommended_pattern: r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }"#,
        must_match: || {
            vec![
                (
                    "errorCode=Client.UnauthorizedOperation".into(),
                    with(
                        record("ec2.amazonaws.com", "RunInstances"),
                        &["errorCode"],
                        json!("Client.UnauthorizedOperation"),
                    ),
                ),
                (
                    "errorCode=AccessDenied".into(),
                    with(
                        record("s3.amazonaws.com", "GetBucketPolicy"),
                        &["errorCode"],
                        json!("AccessDenied"),
                    ),
                ),
                (
                    "errorCode=AccessDeniedException".into(),
                    with(
                        record("kms.amazonaws.com", "Decrypt"),
                        &["errorCode"],
                        json!("AccessDeniedException"),
                    ),
                ),
            ]
        },
        must_not_match: benign,
    },
    MonitoringControl {
        cis_id: "4.2",
        title: "Console sign-in without MFA",
        events: "successful console sign-ins of IAM users without MFA",
        recommended_pattern: r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
        must_match: || {
            vec![(
                "ConsoleLogin with MFAUsed=No".into(),
                console_login("No", "Success"),
            )]
        },
        must_not_match: || {
            let mut v = benign();
            v.push((
                "ConsoleLogin with MFAUsed=Yes".into(),
                console_login("Yes", "Success"),
            ));
            v
        },
    },
    MonitoringControl {
        cis_id: "4.3",
        title: "Usage of the root user",
        events: "API calls and sign-ins by the root user that no AWS service made on its behalf",
        recommended_pattern: r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        must_match: || {
            vec![
                (
                    "root API call".into(),
                    root(record("iam.amazonaws.com", "CreateAccessKey")),
                ),
                (
                    "root console sign-in".into(),
                    root(with(
                        console_login("Yes", "Success"),
                        &["eventType"],
                        json!("AwsConsoleSignIn"),
                    )),
                ),
            ]
        },
        must_not_match: || {
            let mut v = benign();
            let invoked = with(
                root(record("s3.amazonaws.com", "PutObject")),
                &["userIdentity", "invokedBy"],
                json!("cloudtrail.amazonaws.com"),
            );
            v.push(("root call invoked by a service".into(), invoked));
            v.push((
                "AwsServiceEvent on root".into(),
                with(
                    root(record("sts.amazonaws.com", "AssumeRole")),
                    &["eventType"],
                    json!("AwsServiceEvent"),
                ),
            ));
            v
        },
    },
    MonitoringControl {
        cis_id: "4.4",
        title: "IAM policy changes",
        events: "creation, change, attachment and deletion of IAM policies",
        recommended_pattern: "{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }",
        must_match: || {
            calls(
                "iam.amazonaws.com",
                &[
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
                ],
            )
        },
        must_not_match: benign,
    },
    MonitoringControl {
        cis_id: "4.5",
        title: "CloudTrail configuration changes",
        events: "creation, update, deletion, start and stop of trails",
        recommended_pattern: "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
        must_match: || {
            calls(
                "cloudtrail.amazonaws.com",
                &[
                    "CreateTrail",
                    "UpdateTrail",
                    "DeleteTrail",
                    "StartLogging",
                    "StopLogging",
                ],
            )
        },
        must_not_match: benign,
    },
    MonitoringControl {
        cis_id: "4.6",
        title: "Console authentication failures",
        events: "failed console sign-ins",
        recommended_pattern: r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
        must_match: || {
            vec![(
                "failed ConsoleLogin".into(),
                with(
                    console_login("No", "Failure"),
                    &["errorMessage"],
                    json!("Failed authentication"),
                ),
            )]
        },
        must_not_match: || {
            let mut v = benign();
            v.push((
                "successful ConsoleLogin".into(),
                console_login("Yes", "Success"),
            ));
            v
        },
    },
    MonitoringControl {
        cis_id: "4.7",
        title: "Disabling or scheduled deletion of customer-managed keys",
        events: "DisableKey and ScheduleKeyDeletion on KMS keys",
        recommended_pattern: "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
        must_match: || calls("kms.amazonaws.com", &["DisableKey", "ScheduleKeyDeletion"]),
        must_not_match: || {
            let mut v = benign();
            v.push(("kms Encrypt".into(), record("kms.amazonaws.com", "Encrypt")));
            v
        },
    },
    MonitoringControl {
        cis_id: "4.8",
        title: "S3 bucket policy changes",
        events: "changes to bucket ACLs, policies, CORS, lifecycle and replication",
        recommended_pattern: "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
        must_match: || {
            calls(
                "s3.amazonaws.com",
                &[
                    "PutBucketAcl",
                    "PutBucketPolicy",
                    "PutBucketCors",
                    "PutBucketLifecycle",
                    "PutBucketReplication",
                    "DeleteBucketPolicy",
                    "DeleteBucketCors",
                    "DeleteBucketLifecycle",
                    "DeleteBucketReplication",
                ],
            )
        },
        must_not_match: benign,
    },
    MonitoringControl {
        cis_id: "4.9",
        title: "AWS Config configuration changes",
        events: "stopping or changing configuration recorders and delivery channels",
        recommended_pattern: "{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }",
        must_match: || {
            calls(
                "config.amazonaws.com",
                &[
                    "StopConfigurationRecorder",
                    "DeleteDeliveryChannel",
                    "PutDeliveryChannel",
                    "PutConfigurationRecorder",
                ],
            )
        },
        must_not_match: benign,
    },
    MonitoringControl {
        cis_id: "4.10",
        title: "Security group changes",
        events: "creation, deletion and rule changes of security groups",
        recommended_pattern: "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
        must_match: || {
            calls(
                "ec2.amazonaws.com",
                &[
                    "AuthorizeSecurityGroupIngress",
                    "AuthorizeSecurityGroupEgress",
                    "RevokeSecurityGroupIngress",
                    "RevokeSecurityGroupEgress",
                    "CreateSecurityGroup",
                    "DeleteSecurityGroup",
                ],
            )
        },
        must_not_match: benign,
    },
    MonitoringControl {
        cis_id: "4.11",
        title: "Network ACL changes",
        events: "creation, deletion and entry changes of network ACLs",
        recommended_pattern: "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
        must_match: || {
            calls(
                "ec2.amazonaws.com",
                &[
                    "CreateNetworkAcl",
                    "CreateNetworkAclEntry",
                    "DeleteNetworkAcl",
                    "DeleteNetworkAclEntry",
                    "ReplaceNetworkAclEntry",
                    "ReplaceNetworkAclAssociation",
                ],
            )
        },
        must_not_match: benign,
    },
    MonitoringControl {
        cis_id: "4.12",
        title: "Network gateway changes",
        events: "changes to customer and internet gateways",
        recommended_pattern: "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
        must_match: || {
            calls(
                "ec2.amazonaws.com",
                &[
                    "CreateCustomerGateway",
                    "DeleteCustomerGateway",
                    "AttachInternetGateway",
                    "CreateInternetGateway",
                    "DeleteInternetGateway",
                    "DetachInternetGateway",
                ],
            )
        },
        must_not_match: benign,
    },
    MonitoringControl {
        cis_id: "4.13",
        title: "Route table changes",
        events: "creation, replacement, association and deletion of routes and route tables",
        recommended_pattern: "{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }",
        must_match: || {
            calls(
                "ec2.amazonaws.com",
                &[
                    "CreateRoute",
                    "CreateRouteTable",
                    "ReplaceRoute",
                    "ReplaceRouteTableAssociation",
                    "DeleteRouteTable",
                    "DeleteRoute",
                    "DisassociateRouteTable",
                ],
            )
        },
        must_not_match: benign,
    },
    MonitoringControl {
        cis_id: "4.14",
        title: "VPC changes",
        events: "creation, deletion, attribute changes, peering and ClassicLink changes of VPCs",
        recommended_pattern: "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
        must_match: || {
            calls(
                "ec2.amazonaws.com",
                &[
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
                ],
            )
        },
        must_not_match: benign,
    },
    MonitoringControl {
        cis_id: "4.15",
        title: "AWS Organizations changes",
        events: "changes to the organization, its accounts, units, policies and handshakes",
        recommended_pattern: "{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }",
        must_match: || {
            calls(
                "organizations.amazonaws.com",
                &[
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
                ],
            )
        },
        must_not_match: benign,
    },
];

/// The fifteen CIS v3.0.0 monitoring controls, in order 4.1 to 4.15.
pub fn controls() -> &'static [MonitoringControl] {
    &CONTROLS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter_pattern::parse;

    fn control(id: &str) -> &'static MonitoringControl {
        controls().iter().find(|c| c.cis_id == id).unwrap()
    }

    #[test]
    fn every_recommended_pattern_is_adequate_for_its_control() {
        for c in controls() {
            let j = judge(c, &parse(c.recommended_pattern).unwrap());
            assert!(j.is_adequate(), "{}: {j:?}", c.cis_id);
        }
    }

    #[test]
    fn a_recommended_pattern_only_fits_its_own_control() {
        let root = parse(control("4.3").recommended_pattern).unwrap();
        assert!(!judge(control("4.5"), &root).is_adequate());
    }

    #[test]
    fn rewritten_filters_with_other_order_and_spacing_are_adequate() {
        let p = parse("{($.eventName=StopLogging)||($.eventName=StartLogging)||(($.eventName=DeleteTrail))||($.eventName=UpdateTrail)||($.eventName=CreateTrail)}").unwrap();
        assert!(judge(control("4.5"), &p).is_adequate());
        let p = parse(r#"{ $.eventType != "AwsServiceEvent" && ( $.userIdentity.invokedBy NOT EXISTS ) && $.userIdentity.type = "Root" }"#).unwrap();
        assert!(judge(control("4.3"), &p).is_adequate());
        let p = parse("{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey || $.eventName = ScheduleKeyDeletion) }").unwrap();
        assert!(judge(control("4.7"), &p).is_adequate());
    }

    #[test]
    fn dropping_one_event_name_is_named_in_missed() {
        let p = parse("{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }").unwrap();
        let j = judge(control("4.5"), &p);
        assert_eq!(j.missed, ["eventName=StopLogging"]);
    }

    #[test]
    fn catch_all_filters_are_overbroad() {
        for pat in ["{ $.eventName = * }", "{ ($.eventSource = *) }", ""] {
            let j = judge(control("4.4"), &parse(pat).unwrap());
            assert!(
                j.missed.is_empty() && !j.overbroad.is_empty(),
                "{pat}: {j:?}"
            );
        }
    }

    #[test]
    fn root_filter_without_invoked_by_clause_is_overbroad() {
        let p = parse(r#"{ $.userIdentity.type = "Root" }"#).unwrap();
        let j = judge(control("4.3"), &p);
        assert!(j.overbroad.iter().any(|l| l.contains("invoked")), "{j:?}");
    }

    #[test]
    fn mfa_filter_that_ignores_mfa_is_overbroad() {
        let p = parse(r#"{ $.eventName = "ConsoleLogin" }"#).unwrap();
        assert!(!judge(control("4.2"), &p).is_adequate());
    }

    #[test]
    fn the_published_style_unauthorized_calls_filter_is_adequate() {
        let p = parse(r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#).unwrap();
        assert!(judge(control("4.1"), &p).is_adequate());
        let only_one = parse(r#"{ $.errorCode = "AccessDenied*" }"#).unwrap();
        assert_eq!(
            judge(control("4.1"), &only_one).missed,
            ["errorCode=Client.UnauthorizedOperation"]
        );
    }
}
