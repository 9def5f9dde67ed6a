import { lazy, Suspense, useState } from "react";
import { formatDayMonth } from "~/shared/dates";
import type { SignoffRequestView, SignoffReturnView } from "~/shared/plan-events";
import { ukToday } from "~/shared/portfolio";

/** "Returned by Margaret Hale, 3 Dec: the figures do not match the MTFS", until the section changes. */
export function ReturnedNotice({ returned }: { returned: SignoffReturnView }) {
  return (
    <p className="signoff__returned" role="status" data-testid="signoff-returned">
      <strong>
        Returned by {returned.by.name}, <time dateTime={returned.at}>{formatDayMonth(returned.at)}</time>:
      </strong>{" "}
      {returned.reason}
    </p>
  );
}

/** "Requested by Tom Okafor on 1 Dec, due 8 Dec", with the request's message; overdue once the date has passed. */
export function RequestNotice({ request }: { request: SignoffRequestView }) {
  const overdue = request.due !== null && request.due < ukToday();
  return (
    <div className="signoff__request" data-testid="signoff-request">
      <p>
        Requested by {request.by.name} on <time dateTime={request.at}>{formatDayMonth(request.at)}</time>
        {request.due ? (
          <>
            , due <time dateTime={request.due}>{formatDayMonth(request.due)}</time>
          </>
        ) : null}
        {overdue ? <span className="signoff__overdue">overdue</span> : null}
      </p>
      {request.message ? <blockquote className="signoff__message">{request.message}</blockquote> : null}
    </div>
  );
}

/** Why the section is returned loads when someone first returns one. */
const ReturnForm = lazy(() => import("./SignoffWorkflowForms").then((forms) => ({ default: forms.ReturnForm })));

/** A signatory of a side the section needs sends it back, saying why. */
export function ReturnButton({ url, sectionTitle }: { url: string; sectionTitle: string }) {
  const [open, setOpen] = useState(false);
  const [asked, setAsked] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button link"
        onClick={() => {
          setAsked(true);
          setOpen(true);
        }}
      >
        Return with a reason
      </button>
      {asked ? (
        <Suspense fallback={null}>
          <ReturnForm open={open} url={url} sectionTitle={sectionTitle} onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
