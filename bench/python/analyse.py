"""Analyses every policy document of a directory with one Python IAM policy analyser, in one
process, and prints one JSON line: {"tool", "files", "seconds", "findings", "errors"}.

Used by `rampart-bench policy` to compare Rampart with Parliament and Cloudsplaining on the same
documents. The timer covers, per document, JSON parsing and the tool's analysis; it excludes
interpreter start, imports, reading the files, and one warm-up analysis of the first document
(which loads the tool's lazily read IAM action database).

Usage: analyse.py parliament|cloudsplaining DIR
"""

import json
import os
import sys
import time


def parliament_analyser():
    import parliament

    def analyse(text):
        return len(parliament.analyze_policy_string(text).findings)

    return analyse


def cloudsplaining_analyser():
    from cloudsplaining.scan.policy_document import PolicyDocument
    from cloudsplaining.shared.exclusions import DEFAULT_EXCLUSIONS

    def analyse(text):
        doc = PolicyDocument(json.loads(text), exclusions=DEFAULT_EXCLUSIONS)
        # The three per-policy risks Cloudsplaining reports for a managed policy.
        return (
            len(doc.allows_privilege_escalation)
            + len(doc.permissions_management_without_constraints)
            + len(doc.write_actions_without_constraints)
        )

    return analyse


ANALYSERS = {"parliament": parliament_analyser, "cloudsplaining": cloudsplaining_analyser}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ANALYSERS:
        sys.exit("usage: analyse.py parliament|cloudsplaining DIR")
    tool, directory = sys.argv[1], sys.argv[2]
    analyse = ANALYSERS[tool]()
    texts = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                texts.append(f.read())
    if texts:
        analyse(texts[0])
    findings = errors = 0
    start = time.perf_counter()
    for text in texts:
        try:
            findings += analyse(text)
        except Exception:  # a document the tool cannot handle counts, and the run goes on
            errors += 1
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {"tool": tool, "files": len(texts), "seconds": seconds, "findings": findings, "errors": errors}
        )
    )


if __name__ == "__main__":
    main()
