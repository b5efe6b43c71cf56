// The benchmark is its own process: it turns on Node 20's relaxed-SIMD flag before
// any WebAssembly is compiled. Imported first for that side effect.
import { enableRelaxedSimdOnNode20 } from '@dnn/tensor';

enableRelaxedSimdOnNode20();
