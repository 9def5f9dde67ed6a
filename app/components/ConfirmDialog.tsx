import { useEffect, useId, useRef, type ReactNode } from "react";

/**
 * A modal question with a confirm and a cancel button, on the native <dialog>: it traps focus,
 * closes on Escape and returns focus to where it was.
 */
export function ConfirmDialog({
  open,
  title,
  confirmLabel,
  cancelLabel = "Cancel",
  confirmDisabled = false,
  wide = false,
  children,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  /** Null when there is nothing to confirm (only to read and close). */
  confirmLabel: string | null;
  cancelLabel?: string;
  /** Room for a table (a section as it reads) rather than a sentence. */
  wide?: boolean;
  /** While the question cannot be answered yet (e.g. what it is about is still loading). */
  confirmDisabled?: boolean;
  children: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className={`confirm-dialog${wide ? " confirm-dialog--wide" : ""}`}
      aria-labelledby={titleId}
      onCancel={onCancel}
    >
      <h2 id={titleId}>{title}</h2>
      <div className="confirm-dialog__body">{children}</div>
      <div className="confirm-dialog__actions">
        {confirmLabel === null ? null : (
          <button type="button" className="button primary" disabled={confirmDisabled} onClick={onConfirm}>
            {confirmLabel}
          </button>
        )}
        <button type="button" className="button" onClick={onCancel}>
          {cancelLabel}
        </button>
      </div>
    </dialog>
  );
}
