//! S3 Glacier vaults listed through the real SDK path against moto. Moto serves
//! `ListVaults` but answers the access-policy, lock and notification calls with an HTML
//! 404 (no AWS error code), so those are tested on AWS-documented responses in the
//! collector's own tests (`tests_without_moto_from_aws_documented_responses`).

use super::*;

#[tokio::test]
async fn vaults_are_listed_and_settings_the_emulator_cannot_serve_are_errors_not_passes() {
    let acct = account().await;
    let glacier = acct.glacier("us-east-1");
    glacier
        .create_vault()
        .account_id("-")
        .vault_name("archive")
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::Glacier], &["us-east-1"]).await;
    let region = inv.glacier.as_ref().unwrap().values().next().unwrap();
    let vaults = &region.as_ref().unwrap().vaults;
    assert_eq!(vaults.len(), 1);
    assert_eq!(vaults[0].name, "archive");
    assert_eq!(
        vaults[0].arn,
        format!(
            "arn:aws:glacier:us-east-1:{}:vaults/archive",
            acct.account_id
        )
    );
    // An unknown answer to GetVaultAccessPolicy must never read as "no policy".
    assert_eq!(
        status(&inv, "glacier_vault_policy_not_public", "vaults/archive"),
        Status::Error
    );
    assert!(
        inv.errors.iter().any(|e| e.api == "GetVaultAccessPolicy"),
        "{:#?}",
        inv.errors
    );
}
