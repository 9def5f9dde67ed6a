import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import { formatDateTime } from "~/shared/dates";
import { SIDE_LABEL, SIDES, type Side } from "~/shared/permissions";
import type { SignoffRecordView } from "~/shared/plan-events";
import { signerName } from "~/shared/signer-name";

interface MatrixSection {
  key: string;
  title: string;
  requiredSides: Side[];
  signoff: { state: string; records: SignoffRecordView[] };
}

const STATE_LABEL: Record<string, string> = {
  unsigned: "Not signed",
  partial: "Partly signed",
  signed: "Signed",
  stale: "Stale",
};

/**
 * Each section of a plan against each side: whether that side must sign it, who signed and
 * when, read from `GET /api/portfolio/:id`. `version` changes when the plan does, to read it again.
 */
export function SignoffMatrix({ planId, version }: { planId: string; version: number }) {
  const [sections, setSections] = useState<MatrixSection[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    fetch(`/api/portfolio/${planId}`)
      .then(async (response) => {
        if (!response.ok) throw new Error(((await response.json()) as { error: string }).error);
        return (await response.json()) as { sections: MatrixSection[] };
      })
      .then((plan) => {
        if (!cancelled) {
          setSections(plan.sections);
          setProblem(null);
        }
      })
      .catch((error: Error) => {
        if (!cancelled) setProblem(`Could not read the plan's sections: ${error.message}`);
      });
    return () => {
      cancelled = true;
    };
  }, [planId, version]);

  if (problem) return <p role="alert">{problem}</p>;
  if (!sections) return <p className="muted">Loading sections…</p>;
  return (
    <table className="signoff-matrix" data-testid="signoff-matrix">
      <caption className="visually-hidden">Sign-off of each section by side</caption>
      <thead>
        <tr>
          <th scope="col">Section</th>
          <th scope="col">State</th>
          {SIDES.map((side) => (
            <th key={side} scope="col">
              {SIDE_LABEL[side]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {sections.map((section) => (
          <tr key={section.key} data-section={section.key}>
            <th scope="row">
              <Link to={`/plans/${planId}#section-${section.key}`}>{section.title}</Link>
            </th>
            <td>
              <span className={`matrix-state matrix-state--${section.signoff.state}`}>
                {STATE_LABEL[section.signoff.state] ?? section.signoff.state}
              </span>
            </td>
            {SIDES.map((side) => (
              <td key={side} data-side={side}>
                <SideCell
                  required={section.requiredSides.includes(side)}
                  record={section.signoff.records.find((record) => record.side === side)}
                />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SideCell({ required, record }: { required: boolean; record: SignoffRecordView | undefined }) {
  if (!required) return <span className="muted">Not needed</span>;
  if (!record) return <span>Not signed</span>;
  const who = `${signerName(record)}, ${formatDateTime(record.signedAt)}`;
  return record.fresh ? (
    <span className="matrix-signed">Signed by {who}</span>
  ) : (
    <span className="matrix-stale">Stale: signed by {who}</span>
  );
}
