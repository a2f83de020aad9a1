//! SNS topic policies collected through the real SDK path against moto and judged by the
//! policy analyser.

use super::*;

#[tokio::test]
async fn a_topic_policy_open_to_everyone_fails_and_the_default_policy_passes() {
    let acct = account().await;
    let sns = acct.sns("us-east-1");
    let open = sns
        .create_topic()
        .name("open")
        .send()
        .await
        .unwrap()
        .topic_arn
        .unwrap();
    let default = sns
        .create_topic()
        .name("default")
        .send()
        .await
        .unwrap()
        .topic_arn
        .unwrap();
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"},
                       "Action": "SNS:Publish", "Resource": open}]
    });
    sns.set_topic_attributes()
        .topic_arn(&open)
        .attribute_name("Policy")
        .attribute_value(policy.to_string())
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Sns], &["us-east-1"]).await;
    assert_eq!(
        status(&inv, "sns_topic_policy_not_public", &open),
        Status::Fail
    );
    // moto's default topic policy grants `*` only under an AWS:SourceOwner condition.
    assert_eq!(
        status(&inv, "sns_topic_policy_not_public", &default),
        Status::Pass
    );
    let f = findings(&inv, "sns_topic_policy_not_public");
    let open_finding = f.iter().find(|f| f.resource_arn == open).unwrap();
    assert!(
        open_finding.message.contains("Anyone"),
        "{}",
        open_finding.message
    );
}
