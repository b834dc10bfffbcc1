// "Rapport d'incident": the zip for support, made on demand and saved by the agent.
import { useState } from 'react';
import { Alert, Button, Group, List, Stack, Text } from '@mantine/core';
import { IconDownload, IconFileZip } from '@tabler/icons-react';
import type { IncidentReportFile } from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';
import { settingsMessages as m } from './messages';

const im = m.incident;

export function IncidentSection() {
  const { call } = useGuichet();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<IncidentReportFile | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function make() {
    setBusy(true);
    setError(null);
    setReport(null);
    const r = await call('incident.report', {});
    setBusy(false);
    if (r.ok) setReport(r.value);
    else setError(r.error.message);
  }

  return (
    <Stack gap="md" maw={900}>
      <Text>{im.intro}</Text>
      <Group>
        <Button
          leftSection={<IconFileZip aria-hidden size={18} />}
          loading={busy}
          onClick={() => void make()}
          data-testid="incident-make"
        >
          {im.make}
        </Button>
      </Group>
      <div aria-live="polite">
        {error && (
          <Alert color="red" variant="outline" role="alert">
            {error}
          </Alert>
        )}
        {report && (
          <Alert color="green" variant="outline" role="status" title={im.ready(report.fileName)}>
            <Stack gap="sm">
              <Group>
                <Button
                  component="a"
                  href={`data:application/zip;base64,${report.base64}`}
                  download={report.fileName}
                  leftSection={<IconDownload aria-hidden size={18} />}
                  variant="outline"
                  data-testid="incident-download"
                >
                  {im.download}
                </Button>
              </Group>
              <Text fz="sm">{im.send}</Text>
              <div>
                <Text fw={600} fz="sm">
                  {im.contents}
                </Text>
                <List size="sm" spacing={2}>
                  {report.entries.map((e) => (
                    <List.Item key={e} className="code">
                      {e}
                    </List.Item>
                  ))}
                </List>
              </div>
            </Stack>
          </Alert>
        )}
      </div>
    </Stack>
  );
}
