export { type Connectome, type ConnectomeOptions, finishConnectome, nonZeroCount } from './connectome.js';
export { loadConnectome, bundledConnectomes, type ConnectomeSource } from './load.js';
export { integerDelays, rintHalfEven } from './delays.js';
export { parseTextMatrix, type TextMatrix } from './matrix-text.js';
