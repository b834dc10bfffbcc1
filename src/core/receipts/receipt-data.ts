// Everything a receipt (quittance) prints, gathered by receipt-data-builder.ts from the journal
// and rendered by receipt-pdf.ts. The UI receives the same object, so the type is defined once,
// in the contract, and named here for the core's side.
export type {
  ReceiptView as ReceiptData,
  ReceiptAllocationView as ReceiptAllocationLine,
} from '../../shared/contract/payments';
