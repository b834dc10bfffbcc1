import { appMessages } from '../messages';

/** Shown on every screen of a demo commune, so nobody takes its families for real ones. */
export function DemoBanner({ commune }: { commune: string }) {
  return (
    <div className="demo-banner" role="note" data-testid="demo-banner">
      {appMessages.demoBanner(commune)}
    </div>
  );
}
