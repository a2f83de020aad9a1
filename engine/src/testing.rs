//! Inventory builders for tests, benchmarks and the demo: a baseline account that passes
//! every check, and fluent accessors to break exactly one thing.
//!
//! Tests built on these inventories stand in for what the AWS emulator cannot serve
//! (root account rows, Access Analyzer, ...); tests that can go through moto do.

pub mod apigateway;
#[cfg(any(test, feature = "test-util"))]
pub mod fake_aws;
#[cfg(feature = "test-util")]
pub mod moto;
pub mod waf;
pub mod workloads;

use crate::checks::monitoring_spec;
use crate::inventory::*;
use crate::types::{AccountId, Region};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use std::collections::BTreeMap;

pub const ACCOUNT: &str = "123456789012";

/// The fixed "now" of builder inventories.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn region(s: &str) -> Region {
    Region::parse(s).unwrap_or_else(|_| Region::us_east_1())
}

fn account_id(s: &str) -> AccountId {
    AccountId::parse(s)
        .unwrap_or_else(|_| AccountId::parse(ACCOUNT).unwrap_or_else(|_| unreachable_account()))
}

#[expect(clippy::panic, reason = "INVARIANT: ACCOUNT is twelve digits")]
fn unreachable_account() -> AccountId {
    panic!("ACCOUNT constant is not an account id")
}

/// Builds inventories: `InventoryBuilder::new()` passes every check.
#[derive(Debug, Clone)]
pub struct InventoryBuilder {
    inv: Inventory,
}

impl Default for InventoryBuilder {
    fn default() -> Self {
        Self::new()
    }
}

pub const TRAIL_BUCKET: &str = "org-cloudtrail-logs";
pub const TRAIL_LOG_GROUP: &str = "aws-cloudtrail-logs";
pub const ALARM_TOPIC: &str = "security-alarms";

impl InventoryBuilder {
    /// A compliant account in `us-east-1` and `eu-west-1`.
    pub fn new() -> Self {
        Self::for_account(ACCOUNT, &["us-east-1", "eu-west-1"])
    }

    pub fn for_account(account: &str, regions: &[&str]) -> Self {
        let regions: Vec<Region> = regions.iter().map(|r| region(r)).collect();
        let mut inv = Inventory::empty(account_id(account), now(), regions.clone());
        let a = inv.account_id.to_string();
        let home = regions.first().cloned().unwrap_or_else(Region::us_east_1);
        let t = now();
        inv.iam = Some(IamInventory {
            last_accessed: None,
            users: Ok(vec![]),
            groups: Ok(vec![Group {
                name: "engineers".into(),
                arn: format!("arn:aws:iam::{a}:group/engineers"),
                attached_policies: vec![AttachedPolicy {
                    name: "ReadOnlyAccess".into(),
                    arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
                }],
                inline_policies: vec![],
            }]),
            roles: Ok(vec![Role {
                name: "support".into(),
                arn: format!("arn:aws:iam::{a}:role/support"),
                path: "/".into(),
                create_date: Some(t - Duration::days(400)),
                trust_policy: Ok(
                    json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":format!("arn:aws:iam::{a}:root")},"Action":"sts:AssumeRole"}]}),
                ),
                attached_policies: vec![AttachedPolicy {
                    name: "AWSSupportAccess".into(),
                    arn: "arn:aws:iam::aws:policy/AWSSupportAccess".into(),
                }],
                inline_policies: vec![],
                permissions_boundary: None,
                last_used: None,
            }]),
            policies: Ok(vec![]),
            credential_report: Ok(vec![CredentialReportRow {
                user: "<root_account>".into(),
                arn: format!("arn:aws:iam::{a}:root"),
                user_creation_time: Some(t - Duration::days(1000)),
                mfa_active: true,
                ..Default::default()
            }]),
            password_policy: Ok(Some(PasswordPolicy {
                minimum_length: Some(14),
                require_symbols: true,
                require_numbers: true,
                require_uppercase: true,
                require_lowercase: true,
                allow_users_to_change: true,
                expire_passwords: true,
                max_age_days: Some(90),
                reuse_prevention: Some(24),
                hard_expiry: Some(false),
            })),
            account_summary: Ok(BTreeMap::from([
                ("AccountMFAEnabled".to_owned(), 1),
                ("AccountAccessKeysPresent".to_owned(), 0),
                ("AccountSigningCertificatesPresent".to_owned(), 0),
            ])),
            virtual_mfa_devices: Ok(vec![]),
            server_certificates: Ok(vec![]),
            support_access_entities: Ok(PolicyEntities {
                roles: vec!["support".into()],
                ..Default::default()
            }),
            cloudshell_full_access_entities: Ok(PolicyEntities::default()),
            access_analyzers: inv
                .regions
                .iter()
                .map(|r| {
                    (
                        r.clone(),
                        Ok(vec![Analyzer {
                            name: "account-analyzer".into(),
                            arn: format!(
                                "arn:aws:access-analyzer:{r}:{a}:analyzer/account-analyzer"
                            ),
                            analyzer_type: "ACCOUNT".into(),
                            status: "ACTIVE".into(),
                        }]),
                    )
                })
                .collect(),
        });
        let key_id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        let key_arn = format!("arn:aws:kms:{home}:{a}:key/{key_id}");
        inv.s3 = Some(S3Inventory {
            buckets: Ok(vec![]),
            account_public_access_block: Ok(Some(PublicAccessBlock {
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: true,
                restrict_public_buckets: true,
            })),
        });
        inv.cloudtrail = Some(CloudTrailInventory {
            regions: inv
                .regions
                .iter()
                .map(|r| {
                    (
                        r.clone(),
                        Ok(vec![format!(
                            "arn:aws:cloudtrail:{home}:{a}:trail/org-trail"
                        )]),
                    )
                })
                .collect(),
            trails: vec![Trail {
                arn: format!("arn:aws:cloudtrail:{home}:{a}:trail/org-trail"),
                name: "org-trail".into(),
                home_region: home.clone(),
                multi_region: true,
                organization: false,
                include_global_service_events: true,
                s3_bucket: Some(TRAIL_BUCKET.into()),
                s3_key_prefix: None,
                kms_key_id: Some(key_arn.clone()),
                log_file_validation: true,
                log_group_arn: Some(format!(
                    "arn:aws:logs:{home}:{a}:log-group:{TRAIL_LOG_GROUP}:*"
                )),
                cloudwatch_logs_role_arn: Some(format!("arn:aws:iam::{a}:role/cloudtrail-to-logs")),
                status: Ok(TrailStatus {
                    is_logging: true,
                    ..Default::default()
                }),
                selectors: Ok(EventSelectors {
                    basic: vec![EventSelector {
                        read_write_type: "All".into(),
                        include_management_events: true,
                        exclude_management_event_sources: vec![],
                        data_resources: vec![DataResource {
                            resource_type: "AWS::S3::Object".into(),
                            values: vec!["arn:aws:s3".into()],
                        }],
                    }],
                    advanced: vec![],
                }),
            }],
        });
        let topic = format!("arn:aws:sns:{home}:{a}:{ALARM_TOPIC}");
        let mut logs = LogsRegion {
            log_groups: vec![LogGroup {
                name: TRAIL_LOG_GROUP.into(),
                arn: format!("arn:aws:logs:{home}:{a}:log-group:{TRAIL_LOG_GROUP}:*"),
                retention_days: Some(400),
                kms_key_id: Some(key_arn.clone()),
                creation_time: Some(t - Duration::days(500)),
            }],
            metric_filters: vec![],
        };
        let mut cw = CloudWatchRegion {
            alarms: vec![],
            subscriptions: Ok(vec![Subscription {
                topic_arn: topic.clone(),
                protocol: "email".into(),
                subscription_arn: format!("{topic}:5f6e1c2a-0000-4000-8000-000000000001"),
            }]),
        };
        for c in monitoring_spec::controls() {
            let slug = format!("cis-{}", c.cis_id.replace('.', "-"));
            let metric = MetricRef {
                namespace: "CISBenchmark".into(),
                name: slug.clone(),
            };
            logs.metric_filters.push(MetricFilter {
                name: slug.clone(),
                log_group: TRAIL_LOG_GROUP.into(),
                pattern: c.recommended_pattern.into(),
                metrics: vec![metric.clone()],
            });
            cw.alarms.push(Alarm {
                name: slug.clone(),
                arn: format!("arn:aws:cloudwatch:{home}:{a}:alarm:{slug}"),
                metric: Some(metric),
                actions_enabled: true,
                alarm_actions: vec![topic.clone()],
                state: Some("OK".into()),
            });
        }
        let mut logs_by_region = BTreeMap::new();
        let mut cw_by_region = BTreeMap::new();
        let mut config = BTreeMap::new();
        let mut kms = BTreeMap::new();
        for r in &inv.regions {
            let (l, c) = if *r == home {
                (logs.clone(), cw.clone())
            } else {
                (
                    LogsRegion::default(),
                    CloudWatchRegion {
                        alarms: vec![],
                        subscriptions: Ok(vec![]),
                    },
                )
            };
            logs_by_region.insert(r.clone(), Ok(l));
            cw_by_region.insert(r.clone(), Ok(c));
            config.insert(
                r.clone(),
                Ok(ConfigRegion {
                    recorders: vec![Recorder {
                        name: "default".into(),
                        role_arn: Some(format!("arn:aws:iam::{a}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")),
                        all_supported: true,
                        include_global_resource_types: *r == home,
                        resource_types: vec![],
                        recording: true,
                        last_status: Some("SUCCESS".into()),
                        last_error_code: None,
                    }],
                    delivery_channels: vec![DeliveryChannel {
                        name: "default".into(),
                        s3_bucket: Some("org-config-logs".into()),
                        sns_topic_arn: None,
                    }],
                }),
            );
            let keys = if *r == home {
                vec![Key {
                    id: key_id.into(),
                    arn: key_arn.clone(),
                    description: Some("CloudTrail and log encryption".into()),
                    spec: "SYMMETRIC_DEFAULT".into(),
                    usage: "ENCRYPT_DECRYPT".into(),
                    state: "Enabled".into(),
                    manager: "CUSTOMER".into(),
                    origin: "AWS_KMS".into(),
                    creation_date: Some(t - Duration::days(600)),
                    deletion_date: None,
                    rotation_enabled: Ok(Some(true)),
                    policy: Ok(Some(
                        json!({"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":format!("arn:aws:iam::{a}:root")},"Action":"kms:*","Resource":"*"}]}),
                    )),
                }]
            } else {
                vec![]
            };
            kms.insert(
                r.clone(),
                Ok(KmsRegion {
                    keys,
                    aliases: vec![],
                }),
            );
        }
        inv.logs = Some(logs_by_region);
        inv.cloudwatch = Some(cw_by_region);
        inv.config = Some(config);
        inv.kms = Some(kms);
        let mut b = Self { inv };
        b.bucket(TRAIL_BUCKET);
        b.bucket("org-config-logs");
        b.user("alice");
        b
    }

    pub fn build(self) -> Inventory {
        self.inv
    }

    pub fn inventory(&mut self) -> &mut Inventory {
        &mut self.inv
    }

    pub fn account(&self) -> String {
        self.inv.account_id.to_string()
    }

    pub fn home(&self) -> Region {
        self.inv
            .regions
            .first()
            .cloned()
            .unwrap_or_else(Region::us_east_1)
    }

    pub fn iam(&mut self) -> &mut IamInventory {
        self.inv
            .iam
            .get_or_insert_with(|| unreachable_inventory_part("iam"))
    }

    pub fn s3(&mut self) -> &mut S3Inventory {
        self.inv
            .s3
            .get_or_insert_with(|| unreachable_inventory_part("s3"))
    }

    pub fn trail(&mut self) -> &mut Trail {
        let ct = self
            .inv
            .cloudtrail
            .get_or_insert_with(|| unreachable_inventory_part("cloudtrail"));
        ct.trails
            .first_mut()
            .unwrap_or_else(|| unreachable_inventory_part("trail"))
    }

    pub fn cloudtrail(&mut self) -> &mut CloudTrailInventory {
        self.inv
            .cloudtrail
            .get_or_insert_with(|| unreachable_inventory_part("cloudtrail"))
    }

    pub fn logs(&mut self, region: &str) -> &mut Fetched<LogsRegion> {
        let r = Region::parse(region).unwrap_or_else(|_| Region::us_east_1());
        self.inv
            .logs
            .get_or_insert_with(BTreeMap::new)
            .entry(r)
            .or_insert_with(|| Ok(LogsRegion::default()))
    }

    pub fn cloudwatch(&mut self, region: &str) -> &mut Fetched<CloudWatchRegion> {
        let r = Region::parse(region).unwrap_or_else(|_| Region::us_east_1());
        self.inv
            .cloudwatch
            .get_or_insert_with(BTreeMap::new)
            .entry(r)
            .or_insert_with(|| {
                Ok(CloudWatchRegion {
                    alarms: vec![],
                    subscriptions: Ok(vec![]),
                })
            })
    }

    pub fn config(&mut self, region: &str) -> &mut Fetched<ConfigRegion> {
        let r = Region::parse(region).unwrap_or_else(|_| Region::us_east_1());
        self.inv
            .config
            .get_or_insert_with(BTreeMap::new)
            .entry(r)
            .or_insert_with(|| Ok(ConfigRegion::default()))
    }

    pub fn kms(&mut self, region: &str) -> &mut Fetched<KmsRegion> {
        let r = Region::parse(region).unwrap_or_else(|_| Region::us_east_1());
        self.inv
            .kms
            .get_or_insert_with(BTreeMap::new)
            .entry(r)
            .or_insert_with(|| Ok(KmsRegion::default()))
    }

    /// The IAM user `name`, added (compliant: console password with MFA, in a group, one
    /// recent key) if missing. Its credential report row is kept in step.
    pub fn user(&mut self, name: &str) -> &mut User {
        let a = self.account();
        let arn = format!("arn:aws:iam::{a}:user/{name}");
        let t = now();
        let iam = self.iam();
        if let Ok(rows) = &mut iam.credential_report
            && !rows.iter().any(|r| r.arn == arn)
        {
            rows.push(CredentialReportRow {
                user: name.into(),
                arn: arn.clone(),
                user_creation_time: Some(t - Duration::days(200)),
                password_enabled: true,
                password_last_used: Some(t - Duration::days(2)),
                password_last_changed: Some(t - Duration::days(30)),
                mfa_active: true,
                access_key_1_active: true,
                access_key_1_last_rotated: Some(t - Duration::days(20)),
                access_key_1_last_used: Some(t - Duration::days(1)),
                ..Default::default()
            });
        }
        let users = iam
            .users
            .as_mut()
            .unwrap_or_else(|_| unreachable_inventory_part("users"));
        if let Some(i) = users.iter().position(|u| u.arn == arn) {
            return &mut users[i];
        }
        users.push(User {
            name: name.into(),
            arn: arn.clone(),
            create_date: Some(t - Duration::days(200)),
            password_last_used: Some(t - Duration::days(2)),
            groups: vec!["engineers".into()],
            attached_policies: vec![],
            inline_policies: vec![],
            permissions_boundary: None,
            mfa_devices: Ok(vec![MfaDevice {
                serial_number: format!("arn:aws:iam::{a}:mfa/{name}"),
                enable_date: Some(t - Duration::days(199)),
            }]),
            access_keys: Ok(vec![AccessKey {
                id: format!(
                    "AKIA{:0>16}",
                    name.to_uppercase().chars().take(16).collect::<String>()
                ),
                active: true,
                create_date: Some(t - Duration::days(20)),
                last_used: Ok(Some(t - Duration::days(1))),
            }]),
        });
        let last = users.len() - 1;
        &mut users[last]
    }

    /// The credential report row of `user` (`<root_account>` for root).
    pub fn report_row(&mut self, user: &str) -> &mut CredentialReportRow {
        let rows = self
            .iam()
            .credential_report
            .as_mut()
            .unwrap_or_else(|_| unreachable_inventory_part("report"));
        let i = rows
            .iter()
            .position(|r| r.user == user)
            .unwrap_or_else(|| unreachable_inventory_part(user));
        &mut rows[i]
    }

    /// The bucket `name`, added (compliant) if missing.
    pub fn bucket(&mut self, name: &str) -> &mut Bucket {
        let home = self.home();
        let a = self.account();
        let t = now();
        let buckets = self
            .s3()
            .buckets
            .as_mut()
            .unwrap_or_else(|_| unreachable_inventory_part("buckets"));
        if let Some(i) = buckets.iter().position(|b| b.name == name) {
            return &mut buckets[i];
        }
        buckets.push(Bucket {
            name: name.into(),
            arn: format!("arn:aws:s3:::{name}"),
            region: Ok(home),
            creation_date: Some(t - Duration::days(300)),
            encryption: Ok(Some(vec![EncryptionRule {
                algorithm: "aws:kms".into(),
                kms_key_id: Some(format!(
                    "arn:aws:kms:us-east-1:{a}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                )),
                bucket_key_enabled: true,
            }])),
            public_access_block: Ok(Some(PublicAccessBlock {
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: true,
                restrict_public_buckets: true,
            })),
            policy: Ok(Some(json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [format!("arn:aws:s3:::{name}"), format!("arn:aws:s3:::{name}/*")],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}
                }]
            }))),
            policy_is_public: Ok(Some(false)),
            acl: Ok(vec![Grant {
                grantee_type: "CanonicalUser".into(),
                grantee_id: Some(
                    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be".into(),
                ),
                grantee_uri: None,
                permission: "FULL_CONTROL".into(),
            }]),
            object_ownership: Ok(Some("BucketOwnerEnforced".into())),
            versioning: Ok(Versioning {
                status: Some("Enabled".into()),
                mfa_delete: Some("Enabled".into()),
            }),
            logging: Ok(Some(LoggingTarget {
                target_bucket: "org-access-logs".into(),
                target_prefix: format!("{name}/"),
            })),
            object_lock: Ok(Some(ObjectLock {
                enabled: true,
                default_mode: Some("GOVERNANCE".into()),
                default_days: Some(30),
                default_years: None,
            })),
            tags: Ok(BTreeMap::from([(
                "owner".to_owned(),
                "security".to_owned(),
            )])),
        });
        let last = buckets.len() - 1;
        &mut buckets[last]
    }
}

#[expect(
    clippy::panic,
    reason = "test builder: a missing part is a bug in the builder itself"
)]
fn unreachable_inventory_part<T>(what: &str) -> T {
    panic!("InventoryBuilder has no {what}")
}

/// An AccessDenied error, as collectors record it.
pub fn access_denied() -> FetchError {
    FetchError::new(
        "AccessDenied",
        "User is not authorized to perform this action",
    )
}

/// `sts:GetCallerIdentity` as AWS documents it, for the account [`ACCOUNT`]: the first call
/// of every scan, which a fake server must answer (its body carries
/// `Action=GetCallerIdentity`).
#[cfg(test)]
pub(crate) const CALLER_IDENTITY: &str = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn><UserId>AKIAI44QH8DHBEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>";

/// Scans `services` in `region` through the collectors against the fake AWS server at
/// `url` (for services moto does not serve).
#[cfg(test)]
pub(crate) async fn scan_fake(
    url: &str,
    services: &[Service],
    region: &str,
) -> Result<Inventory, crate::collect::ScanError> {
    let opts = crate::collect::ScanOptions {
        regions: Some(vec![self::region(region)]),
        services: services.iter().copied().collect(),
        concurrency: 4,
        last_accessed: false,
    };
    crate::collect::scan(
        &fake_aws::sdk_config(url, region),
        &opts,
        std::sync::Arc::new(crate::collect::NoProgress),
    )
    .await
    .map(|r| r.inventory)
}
