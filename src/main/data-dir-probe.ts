// The data folder's probe is the core's folder probe (src/core/admin/folder-probe.ts): the same
// questions decide whether the backup folder setting is local, and the core cannot import the
// shell. This name stays for the shell and its tests.
export { systemFolderProbe as systemDataDirProbe } from '../core/admin/folder-probe';
