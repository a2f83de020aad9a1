//! `policy`: the policy engine on a synthetic account (issue #5). Generates, from a fixed seed,
//! an account of 5,000 roles sharing 20,000 customer-managed policies (about 4 a role, some
//! permissions boundaries, one trust policy each) and prints:
//!
//! 1. parse throughput over every document (documents/s, MB/s);
//! 2. evaluation throughput: single-threaded `evaluate` decisions/s over a mix of requests
//!    against the roles' policy sets;
//! 3. the time to build the account model and to run the account analysis (principals/s);
//! 4. per-document analysis of the same 20,000 documents by Rampart and by the Python
//!    analysers Parliament and Cloudsplaining (`scripts/ensure-python-analysers`,
//!    `bench/python/analyse.py`), run in the same invocation, with the ratio.
//!
//! Run: `cargo build --release -p rampart-bench && target/release/rampart-bench policy
//! [--roles 5000] [--policies 20000] [--decisions N] [--python-sample N] [--seed N]
//! [--no-python]`

use anyhow::{Context as _, bail};
use rampart_engine::policy::analysis::{
    AccountModel, AttachedDoc, EntityKind, PrincipalEntity, Via, analyse,
};
use rampart_engine::policy::catalog::Catalog;
use rampart_engine::policy::{
    Context, Outcome, Policy, PolicySet, Principal, Request, evaluate, matches_action, parse_policy,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// What `rampart-bench policy` was asked for.
pub struct Options {
    pub roles: usize,
    pub policies: usize,
    /// Decisions to time.
    pub decisions: usize,
    /// Documents each Python analyser is timed on; `None` runs all of them when the
    /// calibration run says that takes under [`PYTHON_BUDGET`], else extrapolates from it.
    pub python_sample: Option<usize>,
    pub seed: u64,
    /// Whether to run the Python comparison at all.
    pub python: bool,
}

const ACCOUNT: &str = "123456789012";
const OTHER_ACCOUNT: &str = "210987654321";
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];
/// Distinct requests generated; the timed loop cycles through them.
const REQUEST_POOL: usize = 50_000;
/// Documents of the calibration run of each Python analyser.
const CALIBRATION: usize = 2000;
/// Longest full Python run the benchmark does unasked, per tool.
const PYTHON_BUDGET: Duration = Duration::from_secs(180);
const TOOLS: [&str; 2] = ["parliament", "cloudsplaining"];

pub fn run(opts: Options) -> anyhow::Result<()> {
    if opts.roles == 0 || opts.policies == 0 {
        bail!("--roles and --policies must be positive");
    }
    let t = Instant::now();
    let account = generate(&opts);
    let texts = account.all_texts();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    println!("== Synthetic account ==");
    println!(
        "account {ACCOUNT} (seed {}): {} roles, {} customer-managed policies ({:.1} attached a role \
         on average), {} permissions boundaries on {} roles, {} trust policies",
        opts.seed,
        account.roles.len(),
        account.policies.len(),
        account
            .roles
            .iter()
            .map(|r| r.policies.len())
            .sum::<usize>() as f64
            / account.roles.len() as f64,
        account.boundaries.len(),
        account
            .roles
            .iter()
            .filter(|r| r.boundary.is_some())
            .count(),
        account.roles.len(),
    );
    println!(
        "{} documents, {:.1} MB of JSON, generated in {:.0} ms",
        texts.len(),
        mb(bytes),
        ms(t.elapsed())
    );

    // Warm the lazily parsed action catalogue so no section pays for it.
    let catalog = Catalog::get();
    println!(
        "action catalogue: {} actions ({})",
        catalog.len(),
        catalog.source().unwrap_or("unknown source")
    );

    println!();
    println!("== 1. Parsing ==");
    let t = Instant::now();
    let mut parsed = Vec::with_capacity(texts.len());
    for (i, text) in texts.iter().enumerate() {
        parsed.push(parse_policy(text).with_context(|| format!("parsing document {i}"))?);
    }
    let parse_time = t.elapsed();
    println!(
        "parsed {} documents ({:.1} MB) in {:.0} ms: {:.0} documents/s, {:.1} MB/s",
        parsed.len(),
        mb(bytes),
        ms(parse_time),
        per_s(parsed.len(), parse_time),
        mb(bytes) / parse_time.as_secs_f64()
    );
    let parsed = account.split_parsed(parsed)?;

    println!();
    println!("== 2. Evaluation throughput ==");
    evaluation(&account, &parsed, &opts)?;

    println!();
    println!("== 3. Account analysis ==");
    account_analysis(&account, &parsed, parse_time)?;

    println!();
    println!("== 4. Per-document analysis: Rampart vs Python analysers ==");
    per_document(&account, &opts)
}

// ---------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------

/// xorshift64: deterministic, dependency-free, good enough to vary synthetic documents.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // Scramble the seed; xorshift must not start at zero.
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        // INVARIANT: only called on non-empty constant tables.
        items[self.below(items.len())]
    }
}

/// The services the generator writes statements for, one a line: prefix, real action names,
/// and the verbs its wildcards use (`s3:Get*`).
const SERVICES: &str = "\
s3: GetObject PutObject DeleteObject ListBucket GetBucketLocation GetObjectVersion | Get List Put
dynamodb: GetItem PutItem Query Scan UpdateItem DeleteItem BatchGetItem DescribeTable | Get Describe List Batch
sqs: SendMessage ReceiveMessage DeleteMessage GetQueueAttributes GetQueueUrl | Get List
sns: Publish Subscribe GetTopicAttributes ListTopics | Get List
lambda: InvokeFunction GetFunction GetFunctionConfiguration ListFunctions | Get List
logs: CreateLogGroup CreateLogStream PutLogEvents DescribeLogStreams GetLogEvents | Describe Get
kms: Decrypt Encrypt GenerateDataKey DescribeKey | Describe List Get
secretsmanager: GetSecretValue DescribeSecret PutSecretValue | Get List Describe
ssm: GetParameter GetParameters GetParametersByPath PutParameter | Get Describe
ec2: DescribeInstances DescribeVpcs DescribeSubnets StartInstances StopInstances CreateTags | Describe Get
kinesis: PutRecord PutRecords GetRecords GetShardIterator DescribeStream | Get Describe List
ecr: GetAuthorizationToken BatchGetImage GetDownloadUrlForLayer PutImage | Get Describe List Batch
cloudwatch: PutMetricData GetMetricData DescribeAlarms | Get Describe List
rds: DescribeDBInstances CreateDBSnapshot DescribeDBSnapshots | Describe List";

/// Write actions that commonly appear unconstrained (`"Resource": "*"`).
const LOOSE_WRITES: &str = "sqs:SendMessage dynamodb:PutItem logs:CreateLogGroup \
    logs:PutLogEvents s3:PutObject sns:Publish ec2:StartInstances ec2:CreateTags \
    kinesis:PutRecords cloudwatch:PutMetricData ssm:PutParameter";

/// A line of [`SERVICES`].
struct Svc {
    prefix: &'static str,
    actions: Vec<&'static str>,
    verbs: Vec<&'static str>,
}

// INVARIANT: non-empty, and so is every service's `actions` and `verbs` (`Rng::pick` indexes).
static SERVICE_TABLE: LazyLock<Vec<Svc>> = LazyLock::new(|| {
    SERVICES
        .lines()
        .filter_map(|line| {
            let (prefix, rest) = line.split_once(": ")?;
            let (actions, verbs) = rest.split_once(" | ")?;
            Some(Svc {
                prefix,
                actions: actions.split(' ').collect(),
                verbs: verbs.split(' ').collect(),
            })
        })
        .collect()
});

fn services() -> &'static [Svc] {
    &SERVICE_TABLE
}

impl Svc {
    fn pick(rng: &mut Rng) -> &'static Svc {
        let all = services();
        &all[rng.below(all.len())]
    }
}

/// A resource ARN (sometimes with a wildcard) of the service, or `*` for services whose
/// statements usually use it.
fn resource(rng: &mut Rng, prefix: &str) -> String {
    let n = rng.below(400);
    let region = rng.pick(&REGIONS);
    match prefix {
        "s3" if rng.percent(60) => format!("arn:aws:s3:::data-{n}/*"),
        "s3" => format!("arn:aws:s3:::data-{n}"),
        "dynamodb" => format!("arn:aws:dynamodb:{region}:{ACCOUNT}:table/table-{n}"),
        "sqs" => format!("arn:aws:sqs:{region}:{ACCOUNT}:queue-{n}"),
        "sns" => format!("arn:aws:sns:{region}:{ACCOUNT}:topic-{n}"),
        "lambda" => format!("arn:aws:lambda:{region}:{ACCOUNT}:function:fn-{n}"),
        "logs" => format!("arn:aws:logs:{region}:{ACCOUNT}:log-group:/app/svc-{n}:*"),
        "kms" => {
            format!("arn:aws:kms:{region}:{ACCOUNT}:key/0000{n:04}-1111-2222-3333-444455556666")
        }
        "secretsmanager" => {
            format!("arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:app/svc-{n}-*")
        }
        "ssm" => format!("arn:aws:ssm:{region}:{ACCOUNT}:parameter/app/svc-{n}/*"),
        "ec2" if rng.percent(50) => format!("arn:aws:ec2:{region}:{ACCOUNT}:instance/*"),
        "kinesis" => format!("arn:aws:kinesis:{region}:{ACCOUNT}:stream/stream-{n}"),
        "ecr" => format!("arn:aws:ecr:{region}:{ACCOUNT}:repository/repo-{n}"),
        "rds" => format!("arn:aws:rds:{region}:{ACCOUNT}:db:db-{n}"),
        _ => "*".to_owned(),
    }
}

/// A condition block of the kinds real policies use most.
fn condition(rng: &mut Rng) -> Value {
    match rng.below(4) {
        0 => {
            json!({"StringEquals": {"aws:RequestedRegion": [rng.pick(&REGIONS), rng.pick(&REGIONS)]}})
        }
        1 => json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}}),
        2 => json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        _ => json!({"StringLike": {"aws:PrincipalTag/team": format!("team-{}*", rng.below(20))}}),
    }
}

/// One statement, kept structured to render it and to derive requests it grants.
struct Stmt {
    allow: bool,
    not_action: bool,
    actions: Vec<String>,
    resources: Vec<String>,
    condition: Option<Value>,
}

impl Stmt {
    fn allow(actions: &[&str], resources: &[&str]) -> Self {
        Self {
            allow: true,
            not_action: false,
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
            resources: resources.iter().map(|r| (*r).to_owned()).collect(),
            condition: None,
        }
    }

    fn json(&self, sid: usize) -> Value {
        let one_or_many = |items: &[String]| match items {
            [one] => json!(one),
            many => json!(many),
        };
        let mut s = serde_json::Map::new();
        s.insert("Sid".into(), json!(format!("S{sid}")));
        s.insert(
            "Effect".into(),
            json!(if self.allow { "Allow" } else { "Deny" }),
        );
        let key = if self.not_action {
            "NotAction"
        } else {
            "Action"
        };
        s.insert(key.into(), one_or_many(&self.actions));
        s.insert("Resource".into(), one_or_many(&self.resources));
        if let Some(c) = &self.condition {
            s.insert("Condition".into(), c.clone());
        }
        Value::Object(s)
    }

    /// A request (action, resource) this statement allows when its condition holds.
    fn sample(&self, rng: &mut Rng) -> Option<(String, String)> {
        if !self.allow || self.actions.is_empty() || self.resources.is_empty() {
            return None;
        }
        let action = if self.not_action {
            "s3:GetObject".to_owned()
        } else {
            concrete_action(&self.actions[rng.below(self.actions.len())])
        };
        let pattern = &self.resources[rng.below(self.resources.len())];
        let resource = if pattern == "*" {
            let prefix = action.split(':').next().unwrap_or("s3");
            resource(rng, prefix).replace('*', "obj-1")
        } else {
            pattern
                .replace("${aws:username}", "alice")
                .replace('*', "obj-1")
        };
        Some((action, resource))
    }
}

/// A real action the pattern matches, when the generator's tables have one.
fn concrete_action(pattern: &str) -> String {
    if !pattern.contains('*') && !pattern.contains('?') {
        return pattern.to_owned();
    }
    services()
        .iter()
        .flat_map(|s| s.actions.iter().map(move |a| format!("{}:{a}", s.prefix)))
        .find(|a| matches_action(pattern, a))
        .unwrap_or_else(|| pattern.replace(['*', '?'], "X"))
}

fn app_statement(rng: &mut Rng) -> Stmt {
    let svc = Svc::pick(rng);
    let actions: Vec<String> = if rng.percent(30) {
        let mut verbs = vec![rng.pick(&svc.verbs)];
        if rng.percent(50) {
            verbs.push(rng.pick(&svc.verbs));
        }
        verbs.dedup();
        verbs
            .into_iter()
            .map(|v| format!("{}:{v}*", svc.prefix))
            .collect()
    } else {
        let mut picked: Vec<String> = (0..1 + rng.below(5))
            .map(|_| format!("{}:{}", svc.prefix, rng.pick(&svc.actions)))
            .collect();
        picked.sort();
        picked.dedup();
        picked
    };
    let mut resources: Vec<String> = (0..1 + rng.below(3))
        .map(|_| resource(rng, svc.prefix))
        .collect();
    resources.sort();
    resources.dedup();
    let condition = rng.percent(25).then(|| condition(rng));
    Stmt {
        allow: true,
        not_action: false,
        actions,
        resources,
        condition,
    }
}

/// The statements of customer-managed policy number `j`.
fn policy_statements(rng: &mut Rng) -> Vec<Stmt> {
    let kind = rng.below(1000);
    match kind {
        // Application policies: specific actions and service wildcards on named resources.
        0..600 => (0..1 + rng.below(4)).map(|_| app_statement(rng)).collect(),
        // Broad read-only access.
        600..750 => {
            let mut actions: Vec<String> = (0..2 + rng.below(3))
                .map(|_| {
                    let svc = Svc::pick(rng);
                    format!("{}:{}*", svc.prefix, rng.pick(&svc.verbs))
                })
                .collect();
            actions.sort();
            actions.dedup();
            vec![Stmt {
                allow: true,
                not_action: false,
                actions,
                resources: vec!["*".to_owned()],
                condition: None,
            }]
        }
        // Write actions without resource constraints.
        750..830 => {
            let loose: Vec<&str> = LOOSE_WRITES.split_whitespace().collect();
            let mut actions: Vec<String> = (0..2 + rng.below(3))
                .map(|_| rng.pick(&loose).to_owned())
                .collect();
            actions.sort();
            actions.dedup();
            vec![Stmt {
                allow: true,
                not_action: false,
                actions,
                resources: vec!["*".to_owned()],
                condition: None,
            }]
        }
        // An application policy fenced by a region deny.
        830..870 => {
            let mut stmts: Vec<Stmt> = (0..1 + rng.below(3)).map(|_| app_statement(rng)).collect();
            stmts.push(Stmt {
                allow: false,
                not_action: true,
                actions: ["iam:*", "sts:*", "cloudfront:*", "route53:*", "support:*"]
                    .map(str::to_owned)
                    .to_vec(),
                resources: vec!["*".to_owned()],
                condition: Some(
                    json!({"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}),
                ),
            });
            stmts
        }
        // Power-user style: everything but IAM and organisation management.
        870..900 => vec![
            Stmt {
                allow: true,
                not_action: true,
                actions: ["iam:*", "organizations:*", "account:*"]
                    .map(str::to_owned)
                    .to_vec(),
                resources: vec!["*".to_owned()],
                condition: None,
            },
            Stmt::allow(
                &[
                    "iam:CreateServiceLinkedRole",
                    "iam:ListRoles",
                    "organizations:DescribeOrganization",
                ],
                &["*"],
            ),
        ],
        // Pass a role to a new Lambda function and invoke it.
        900..930 => {
            if rng.percent(50) {
                vec![Stmt::allow(
                    &[
                        "iam:PassRole",
                        "lambda:CreateFunction",
                        "lambda:InvokeFunction",
                    ],
                    &["*"],
                )]
            } else {
                let role = format!(
                    "arn:aws:iam::{ACCOUNT}:role/service-role/fn-{}",
                    rng.below(400)
                );
                let function = resource(rng, "lambda");
                vec![
                    Stmt::allow(&["iam:PassRole"], &[&role]),
                    Stmt::allow(
                        &["lambda:CreateFunction", "lambda:InvokeFunction"],
                        &[&function],
                    ),
                ]
            }
        }
        // Policy management.
        930..960 => {
            if rng.percent(50) {
                vec![Stmt::allow(&["iam:*Policy*"], &["*"])]
            } else {
                let role = format!("arn:aws:iam::{ACCOUNT}:role/app-{}-*", rng.below(400));
                let policy = format!("arn:aws:iam::{ACCOUNT}:policy/app/*");
                vec![Stmt::allow(
                    &[
                        "iam:AttachRolePolicy",
                        "iam:PutRolePolicy",
                        "iam:CreatePolicyVersion",
                    ],
                    &[&role, &policy],
                )]
            }
        }
        // A whole service on its resources.
        960..980 => {
            let svc = Svc::pick(rng);
            let resources = vec![resource(rng, svc.prefix)];
            vec![Stmt {
                allow: true,
                not_action: false,
                actions: vec![format!("{}:*", svc.prefix)],
                resources,
                condition: None,
            }]
        }
        // Self-service credentials, with a policy variable and an MFA condition.
        980..990 => {
            let mut s = Stmt::allow(
                &[
                    "iam:CreateAccessKey",
                    "iam:UpdateAccessKey",
                    "iam:ChangePassword",
                    "iam:GetUser",
                ],
                &[&format!("arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")],
            );
            s.condition = Some(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}));
            vec![s]
        }
        // Administrators.
        _ => vec![Stmt::allow(&["*"], &["*"])],
    }
}

/// Permissions boundaries, one document a line.
const BOUNDARIES: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","dynamodb:*","sqs:*","sns:*","lambda:*","logs:*","kms:*","ssm:*","secretsmanager:*","kinesis:*","ecr:*","cloudwatch:*","ec2:Describe*"],"Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["iam:CreateUser","iam:CreateAccessKey","iam:*PermissionsBoundary*"],"Resource":"*"}]}
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}]}
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","dynamodb:Get*","dynamodb:Query","logs:*"],"Resource":"*"}]}
{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn document(stmts: &[Stmt]) -> String {
    let statements: Vec<Value> = stmts.iter().enumerate().map(|(i, s)| s.json(i)).collect();
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn trust_policy(rng: &mut Rng, i: usize) -> String {
    let statement = match rng.below(100) {
        0..50 => json!({
            "Effect": "Allow",
            "Principal": {"Service": rng.pick(&["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"])},
            "Action": "sts:AssumeRole"
        }),
        50..70 => json!({
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{OTHER_ACCOUNT}:root")},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": format!("ext-{i}")}}
        }),
        70..82 => json!({
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:saml-provider/Okta")},
            "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
        }),
        82..92 => json!({
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {"token.actions.githubusercontent.com:sub": format!("repo:example/app-{i}:*")}
            }
        }),
        92..98 => json!({
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
            "Action": "sts:AssumeRole"
        }),
        // Cross-account without an external id, and (rarely) anyone at all.
        _ if rng.percent(80) => json!({
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{OTHER_ACCOUNT}:role/deployer")},
            "Action": "sts:AssumeRole"
        }),
        _ => json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
    };
    json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()
}

/// A generated document, with requests its Allow statements grant.
struct Doc {
    name: String,
    text: String,
    samples: Vec<(String, String)>,
}

impl Doc {
    fn new(name: String, stmts: &[Stmt], rng: &mut Rng) -> Self {
        let samples = stmts.iter().filter_map(|s| s.sample(rng)).collect();
        Self {
            name,
            text: document(stmts),
            samples,
        }
    }

    fn arn(&self) -> String {
        format!("arn:aws:iam::{ACCOUNT}:policy/{}", self.name)
    }
}

struct Role {
    name: String,
    path: &'static str,
    /// Indexes into [`Account::policies`].
    policies: Vec<usize>,
    /// Index into [`Account::boundaries`].
    boundary: Option<usize>,
    trust: String,
}

impl Role {
    fn arn(&self) -> String {
        format!("arn:aws:iam::{ACCOUNT}:role{}{}", self.path, self.name)
    }

    fn session_arn(&self) -> String {
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/{}/bench", self.name)
    }
}

struct Account {
    policies: Vec<Doc>,
    boundaries: Vec<Doc>,
    roles: Vec<Role>,
}

/// The parsed documents of an [`Account`], in the same order.
struct Parsed {
    policies: Vec<Policy>,
    boundaries: Vec<Policy>,
    trusts: Vec<Policy>,
}

fn generate(opts: &Options) -> Account {
    let mut rng = Rng::new(opts.seed);
    let policies: Vec<Doc> = (0..opts.policies)
        .map(|j| {
            let stmts = policy_statements(&mut rng);
            Doc::new(format!("app/policy-{j:05}"), &stmts, &mut rng)
        })
        .collect();
    let boundaries: Vec<Doc> = BOUNDARIES
        .lines()
        .enumerate()
        .map(|(b, text)| Doc {
            name: format!("boundary-{b}"),
            text: text.to_owned(),
            samples: Vec::new(),
        })
        .collect();
    // Every policy is attached at least once: role i takes the next `per_role` policies, and
    // some roles one more shared policy or one fewer.
    let per_role = opts.policies.div_ceil(opts.roles).max(1);
    let roles = (0..opts.roles)
        .map(|i| {
            let mut attached: Vec<usize> = (0..per_role)
                .map(|k| (i * per_role + k) % opts.policies)
                .collect();
            if rng.percent(25) {
                attached.push(rng.below(opts.policies));
            } else if rng.percent(15) && attached.len() > 1 {
                attached.pop();
            }
            attached.sort_unstable();
            attached.dedup();
            Role {
                name: format!("app-{i:05}"),
                path: if rng.percent(30) {
                    "/service-role/"
                } else {
                    "/"
                },
                policies: attached,
                boundary: rng
                    .percent(20)
                    .then(|| rng.below(BOUNDARIES.lines().count())),
                trust: trust_policy(&mut rng, i),
            }
        })
        .collect();
    Account {
        policies,
        boundaries,
        roles,
    }
}

impl Account {
    /// Every document: policies, then boundaries, then trust policies.
    fn all_texts(&self) -> Vec<&str> {
        self.policies
            .iter()
            .chain(&self.boundaries)
            .map(|d| d.text.as_str())
            .chain(self.roles.iter().map(|r| r.trust.as_str()))
            .collect()
    }

    fn split_parsed(&self, mut all: Vec<Policy>) -> anyhow::Result<Parsed> {
        if all.len() != self.policies.len() + self.boundaries.len() + self.roles.len() {
            bail!("parsed {} documents, expected more", all.len());
        }
        let trusts = all.split_off(self.policies.len() + self.boundaries.len());
        let boundaries = all.split_off(self.policies.len());
        Ok(Parsed {
            policies: all,
            boundaries,
            trusts,
        })
    }

    fn policy_set(&self, parsed: &Parsed, role: &Role) -> PolicySet {
        PolicySet {
            identity: role
                .policies
                .iter()
                .map(|&j| (self.policies[j].arn(), parsed.policies[j].clone()))
                .collect(),
            permission_boundary: role
                .boundary
                .map(|b| (self.boundaries[b].arn(), parsed.boundaries[b].clone())),
            ..PolicySet::default()
        }
    }
}

// ---------------------------------------------------------------------------------------
// 2. Evaluation
// ---------------------------------------------------------------------------------------

/// A request of the mix: mostly something one of the role's own policies grants (allowed
/// unless a condition, deny or boundary says otherwise), else another policy's request or a
/// random one (mostly implicit denies), with region, source IP and MFA keys in the context.
fn request(rng: &mut Rng, account: &Account, role: &Role) -> Request {
    let own = role
        .policies
        .get(rng.below(role.policies.len()))
        .map(|&j| &account.policies[j]);
    let other = &account.policies[rng.below(account.policies.len())];
    let from = |doc: &Doc, rng: &mut Rng| doc.samples.get(rng.below(doc.samples.len())).cloned();
    let sample = match rng.below(100) {
        0..55 => own.and_then(|d| from(d, rng)),
        55..80 => from(other, rng),
        _ => None,
    };
    let (action, resource) = sample.unwrap_or_else(|| {
        let svc = Svc::pick(rng);
        let action = format!("{}:{}", svc.prefix, rng.pick(&svc.actions));
        (action, resource(rng, svc.prefix).replace('*', "obj-1"))
    });
    let mut ctx = Context::new();
    if rng.percent(70) {
        ctx.insert("aws:RequestedRegion", [rng.pick(&REGIONS)]);
    }
    if rng.percent(40) {
        ctx.insert(
            "aws:SourceIp",
            [rng.pick(&["10.1.2.3", "192.0.2.77", "203.0.113.9"])],
        );
    }
    if rng.percent(40) {
        ctx.insert("aws:MultiFactorAuthPresent", [rng.pick(&["true", "false"])]);
    }
    if rng.percent(30) {
        ctx.insert("aws:PrincipalTag/team", [format!("team-{}", rng.below(25))]);
    }
    let mut request = Request::new(Principal::from_arn(&role.session_arn()), &action, &resource);
    request.context = ctx;
    request
}

fn evaluation(account: &Account, parsed: &Parsed, opts: &Options) -> anyhow::Result<()> {
    let sets: Vec<PolicySet> = account
        .roles
        .iter()
        .map(|r| account.policy_set(parsed, r))
        .collect();
    let mut rng = Rng::new(opts.seed ^ 0xE7A1);
    let pool: Vec<(usize, Request)> = (0..REQUEST_POOL.min(opts.decisions.max(1)))
        .map(|_| {
            let r = rng.below(account.roles.len());
            (r, request(&mut rng, account, &account.roles[r]))
        })
        .collect();
    println!(
        "{} distinct requests (role session, action, resource, context) over {} roles' policy \
         sets (identity policies + boundary), cycled; single thread",
        pool.len(),
        account.roles.len()
    );
    // Warm caches and branch predictors.
    for (r, req) in pool.iter().take(10_000) {
        black_box(evaluate(req, &sets[*r]));
    }
    let mut counts = [0usize; 3];
    let t = Instant::now();
    for i in 0..opts.decisions {
        let (r, req) = &pool[i % pool.len()];
        let decision = evaluate(black_box(req), &sets[*r]);
        counts[match decision.outcome {
            Outcome::Allow => 0,
            Outcome::ExplicitDeny => 1,
            Outcome::ImplicitDeny => 2,
        }] += 1;
    }
    let elapsed = t.elapsed();
    let n = opts.decisions.max(1) as f64;
    println!(
        "{} decisions in {:.0} ms: {:.0} decisions/s, {:.0} ns/decision",
        opts.decisions,
        ms(elapsed),
        per_s(opts.decisions, elapsed),
        elapsed.as_nanos() as f64 / n
    );
    println!(
        "outcomes: allow {:.1}%, explicit deny {:.1}%, implicit deny {:.1}%",
        100.0 * counts[0] as f64 / n,
        100.0 * counts[1] as f64 / n,
        100.0 * counts[2] as f64 / n
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 3. Account analysis
// ---------------------------------------------------------------------------------------

fn attached(doc: &Doc, policy: &Policy) -> AttachedDoc {
    AttachedDoc {
        label: doc.arn(),
        via: Via::Attached,
        policy: policy.clone(),
    }
}

/// The analyses' view of the account: every role with its attached policies, boundary and
/// trust policy.
fn model(account: &Account, parsed: &Parsed) -> AccountModel {
    let principals = account
        .roles
        .iter()
        .zip(&parsed.trusts)
        .map(|(role, trust)| PrincipalEntity {
            policies: role
                .policies
                .iter()
                .map(|&j| attached(&account.policies[j], &parsed.policies[j]))
                .collect(),
            boundary: role
                .boundary
                .map(|b| attached(&account.boundaries[b], &parsed.boundaries[b])),
            trust_policy: Some(trust.clone()),
            ..PrincipalEntity::new(EntityKind::Role, &role.arn(), &role.name)
        })
        .collect();
    AccountModel {
        account_id: ACCOUNT.to_owned(),
        principals,
        resource_policies: Vec::new(),
    }
}

fn account_analysis(
    account: &Account,
    parsed: &Parsed,
    parse_time: Duration,
) -> anyhow::Result<()> {
    let t = Instant::now();
    let model = model(account, parsed);
    let assemble = t.elapsed();
    let t = Instant::now();
    let analysis = analyse(black_box(&model));
    let analyse_time = t.elapsed();
    let n = model.principals.len();
    println!(
        "model: {n} roles, {} attachments; parse (section 1) {:.0} ms + assemble {:.0} ms = \
         {:.0} ms",
        model
            .principals
            .iter()
            .map(|p| p.policies.len())
            .sum::<usize>(),
        ms(parse_time),
        ms(assemble),
        ms(parse_time + assemble)
    );
    println!(
        "analyse (admins, escalation graph and paths, exposures, permission summaries, \
         wildcard policies, unused services): {:.0} ms, {:.0} principals/s",
        ms(analyse_time),
        per_s(n, analyse_time)
    );
    println!(
        "end to end (parse + assemble + analyse): {:.2} s for {n} roles and {} policies",
        (parse_time + assemble + analyse_time).as_secs_f64(),
        account.policies.len()
    );
    println!(
        "found: {} admin-equivalent roles, {} escalation paths, {} exposures, {} wildcard \
         statements, {} permission summaries",
        analysis.admins.len(),
        analysis.escalations.len(),
        analysis.exposures.len(),
        analysis.wildcard_policies.len(),
        analysis.summaries.len()
    );
    let mut first_steps: BTreeMap<&str, usize> = BTreeMap::new();
    for path in &analysis.escalations {
        if let Some(step) = path.steps.first() {
            *first_steps.entry(step.technique).or_default() += 1;
        }
    }
    let conditional = analysis
        .escalations
        .iter()
        .filter(|p| p.conditional)
        .count();
    let steps: Vec<String> = first_steps
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    println!(
        "escalation paths by first step: {} ({conditional} depend on conditions)",
        steps.join(", ")
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 4. Per-document analysis, Rampart vs Python
// ---------------------------------------------------------------------------------------

/// Rampart's per-document analysis: parse the document and run the account analysis on a
/// one-role account holding it as its only attached policy (admin equivalence, escalation
/// paths, the permission summary over the whole action catalogue, wildcard statements).
/// Returns the number of findings: admins, escalation paths, wildcard statements, and the
/// Permissions-management and Write actions the summary counts.
fn analyse_document(text: &str) -> anyhow::Result<usize> {
    let policy = parse_policy(text)?;
    let arn = format!("arn:aws:iam::{ACCOUNT}:role/analysed");
    let role = PrincipalEntity {
        policies: vec![AttachedDoc {
            label: format!("arn:aws:iam::{ACCOUNT}:policy/analysed"),
            via: Via::Attached,
            policy,
        }],
        ..PrincipalEntity::new(EntityKind::Role, &arn, "analysed")
    };
    let model = AccountModel {
        account_id: ACCOUNT.to_owned(),
        principals: vec![role],
        resource_policies: Vec::new(),
    };
    let analysis = analyse(&model);
    let levels: usize = analysis
        .summaries
        .values()
        .flat_map(|s| s.by_service.values())
        .map(|c| c.permissions_management + c.write)
        .sum();
    Ok(analysis.admins.len()
        + analysis.escalations.len()
        + analysis.wildcard_policies.len()
        + levels)
}

/// Times [`analyse_document`] over `texts`: (seconds, findings).
fn time_rampart(texts: &[&str]) -> anyhow::Result<(Duration, usize)> {
    if let Some(first) = texts.first() {
        analyse_document(first)?;
    }
    let t = Instant::now();
    let mut findings = 0;
    for text in texts {
        findings += analyse_document(black_box(text))?;
    }
    Ok((t.elapsed(), findings))
}

/// What one Python run reported.
#[derive(Debug)]
struct PythonRun {
    files: usize,
    seconds: f64,
    findings: u64,
    errors: u64,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The python interpreter of each analyser's venv, installing them when missing.
fn python_tools() -> anyhow::Result<Vec<(String, PathBuf)>> {
    let script = repo_root().join("scripts/ensure-python-analysers");
    let out = Command::new(&script)
        .output()
        .with_context(|| format!("failed to run `{}`", script.display()))?;
    if !out.status.success() {
        bail!(
            "`{}` failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let (tool, python) = line
                .split_once(' ')
                .with_context(|| format!("unexpected line `{line}` from {}", script.display()))?;
            Ok((tool.to_owned(), PathBuf::from(python)))
        })
        .collect()
}

fn run_python(python: &Path, tool: &str, dir: &Path) -> anyhow::Result<PythonRun> {
    let driver = repo_root().join("bench/python/analyse.py");
    let out = Command::new(python)
        .arg(&driver)
        .arg(tool)
        .arg(dir)
        .output()
        .with_context(|| format!("failed to run {tool} through `{}`", driver.display()))?;
    if !out.status.success() {
        bail!(
            "{tool} driver failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .with_context(|| format!("{tool} driver printed no result"))?;
    let v: Value = serde_json::from_str(last).with_context(|| format!("{tool} result `{last}`"))?;
    Ok(PythonRun {
        files: v["files"].as_u64().unwrap_or(0) as usize,
        seconds: v["seconds"].as_f64().unwrap_or(0.0),
        findings: v["findings"].as_u64().unwrap_or(0),
        errors: v["errors"].as_u64().unwrap_or(0),
    })
}

/// Writes every `step`-th text (at most `n`) to `dir` as `NNNNN.json`; returns the indexes.
fn write_sample(texts: &[&str], n: usize, dir: &Path) -> anyhow::Result<Vec<usize>> {
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
    let n = n.clamp(1, texts.len().max(1));
    let step = (texts.len() / n).max(1);
    let picked: Vec<usize> = (0..texts.len()).step_by(step).take(n).collect();
    for &i in &picked {
        let path = dir.join(format!("{i:05}.json"));
        std::fs::write(&path, texts[i])
            .with_context(|| format!("failed to write {}", path.display()))?;
    }
    Ok(picked)
}

fn per_document(account: &Account, opts: &Options) -> anyhow::Result<()> {
    let texts: Vec<&str> = account.policies.iter().map(|d| d.text.as_str()).collect();
    let total = texts.len();
    println!(
        "documents: the {total} customer-managed policies above; each side is timed per \
         document from the JSON text in memory, in one process, after a warm-up"
    );
    println!(
        "Rampart:        parse_policy + analyse() of a one-role account holding the document: \
         admin equivalence and escalation paths (by evaluation), permission summary over the \
         {}-action catalogue (Action/NotAction expansion, access levels), wildcard statements",
        Catalog::get().len()
    );
    println!(
        "Parliament:     parliament.analyze_policy_string(text).findings (JSON parse, action \
         and resource-ARN checks against its IAM database, default auditors)"
    );
    println!(
        "Cloudsplaining: json.loads + PolicyDocument(...) .allows_privilege_escalation, \
         .permissions_management_without_constraints, .write_actions_without_constraints"
    );
    let (rampart_all, rampart_findings) = time_rampart(&texts)?;
    let rampart_rate = per_s(total, rampart_all);
    println!(
        "Rampart: {total} documents in {:.0} ms: {:.0} documents/s, {:.1} µs/document, {} \
         findings",
        ms(rampart_all),
        rampart_rate,
        us_per(rampart_all, total),
        rampart_findings
    );
    if !opts.python {
        println!("(Python comparison skipped: --no-python)");
        return Ok(());
    }
    let tools = python_tools()?;
    let tmp = tempfile::tempdir().context("failed to create a temporary directory")?;
    let all_dir = tmp.path().join("all");
    write_sample(&texts, total, &all_dir)?;
    let calibration = opts.python_sample.unwrap_or(CALIBRATION).min(total);
    let sample_dir = tmp.path().join(format!("sample-{calibration}"));
    let sample = write_sample(&texts, calibration, &sample_dir)?;
    let sample_texts: Vec<&str> = sample.iter().map(|&i| texts[i]).collect();
    let (rampart_sample, _) = time_rampart(&sample_texts)?;

    println!();
    println!(
        "{:<15} {:>9} {:>12} {:>12} {:>13} {:>10} {:>22}",
        "analyser",
        "measured",
        "seconds",
        "documents/s",
        "µs/document",
        "findings",
        "Rampart speed-up (×)"
    );
    println!(
        "{:<15} {:>9} {:>12.3} {:>12.0} {:>13.1} {:>10} {:>22}",
        "rampart",
        total,
        rampart_all.as_secs_f64(),
        rampart_rate,
        us_per(rampart_all, total),
        rampart_findings,
        "1.0"
    );
    let mut notes = Vec::new();
    for (tool, python) in &tools {
        if !TOOLS.contains(&tool.as_str()) {
            continue;
        }
        let mut runs = run_python(python, tool, &sample_dir)?;
        let mut rampart_time = rampart_sample;
        let estimate = runs.seconds * total as f64 / runs.files.max(1) as f64;
        let full = opts.python_sample.is_none() && estimate <= PYTHON_BUDGET.as_secs_f64();
        if full && runs.files < total {
            runs = run_python(python, tool, &all_dir)?;
            rampart_time = rampart_all;
        }
        let rate = runs.files as f64 / runs.seconds.max(f64::MIN_POSITIVE);
        let rampart_same = per_s(runs.files, rampart_time);
        println!(
            "{:<15} {:>9} {:>12.3} {:>12.0} {:>13.1} {:>10} {:>22.1}",
            tool,
            runs.files,
            runs.seconds,
            rate,
            1e6 / rate,
            runs.findings,
            rampart_same / rate
        );
        if runs.files < total {
            notes.push(format!(
                "{tool}: measured on {} evenly spread documents, extrapolated: {total} documents \
                 would take about {:.0} s (Rampart timed on the same {} documents for the ratio)",
                runs.files,
                total as f64 / rate,
                runs.files
            ));
        }
        if runs.errors > 0 {
            notes.push(format!(
                "{tool}: {} documents raised an error (counted, not analysed)",
                runs.errors
            ));
        }
    }
    for note in notes {
        println!("note: {note}");
    }
    println!(
        "ratio = the analyser's time per document ÷ Rampart's on the same documents; findings \
         are counted differently by each tool and are printed as a sanity check, not compared"
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn per_s(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64().max(f64::MIN_POSITIVE)
}

fn us_per(d: Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1e6 / n.max(1) as f64
}
