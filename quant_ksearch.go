package lcrun

import "math"

// The scale searches behind ggml's reference K-quantisers
// (quantize_row_q{2,3,4,5,6}_K_ref, used when no importance matrix is
// given). Each is written from the formulas those functions use, in the
// same order of float32 operations, with every product rounded before it
// is added (C without FP contraction). All work in caller-provided buffers.

// groupMaxEps is ggml's GROUP_MAX_EPS: groups whose largest magnitude is
// below it are treated as all zero.
const groupMaxEps = 1e-15

// searchScaleMin fits x[i] ≈ scale*L[i] - theMin with L[i] in 0..nmax and
// theMin >= 0 (ggml's make_qkx2_quants). It starts from the min/max
// range, then tries nstep+1 scales (nmax+rmin+rdelta*k)/(max-min), solving
// the weighted least-squares scale and min for each set of levels, and
// keeps the one with the smallest weighted error (absolute if useMad, else
// squared). laux must be as long as x.
func searchScaleMin(nmax int32, x, weights []float32, L, laux []uint8, rmin, rdelta float32, nstep int, useMad bool) (scale, theMin float32) {
	n := len(x)
	weights, L, laux = weights[:n], L[:n], laux[:n]
	lo, hi := x[0], x[0]
	sumW := weights[0]
	sumX := float32(sumW * x[0])
	for i := 1; i < n; i++ {
		if x[i] < lo {
			lo = x[i]
		}
		if x[i] > hi {
			hi = x[i]
		}
		w := weights[i]
		sumW += w
		sumX += float32(w * x[i])
	}
	if lo > 0 {
		lo = 0
	}
	if hi == lo {
		clear(L)
		return 0, -lo
	}
	fmax := float32(nmax)
	iscale := fmax / (hi - lo)
	scale = 1 / iscale
	errOf := func(diff float32) float32 {
		if useMad {
			return absf(diff)
		}
		return diff * diff
	}
	var bestErr float32
	for i, v := range x {
		l := nearestInt(float32(iscale * (v - lo)))
		L[i] = uint8(max(0, min(nmax, l)))
		diff := float32(float32(scale*float32(L[i]))+lo) - v
		bestErr += float32(weights[i] * errOf(diff))
	}
	if nstep < 1 {
		return scale, -lo
	}
	for is := 0; is <= nstep; is++ {
		iscale = (float32(rmin+float32(rdelta*float32(is))) + fmax) / (hi - lo)
		var sumL, sumL2, sumXL float32
		for i, v := range x {
			l := max(0, min(nmax, nearestInt(float32(iscale*(v-lo)))))
			laux[i] = uint8(l)
			w := weights[i]
			fl := float32(l)
			sumL += float32(w * fl)
			sumL2 += float32(float32(w*fl) * fl)
			sumXL += float32(float32(w*fl) * v)
		}
		det := float32(sumW*sumL2) - float32(sumL*sumL)
		if !(det > 0) {
			continue
		}
		thisScale := (float32(sumW*sumXL) - float32(sumX*sumL)) / det
		thisMin := (float32(sumL2*sumX) - float32(sumL*sumXL)) / det
		if thisMin > 0 {
			thisMin = 0
			thisScale = sumXL / sumL2
		}
		var curErr float32
		for i, v := range x {
			diff := float32(float32(thisScale*float32(laux[i]))+thisMin) - v
			curErr += float32(weights[i] * errOf(diff))
		}
		if curErr < bestErr {
			copy(L, laux)
			bestErr = curErr
			scale, lo = thisScale, thisMin
		}
	}
	return scale, -lo
}

// searchScaleSigned fits x[i] ≈ scale*(L[i]-nmax) with L[i]-nmax in
// -nmax..nmax-1, weighting by x² (ggml's make_qx_quants with rmse_type 1
// and no importance weights): it starts from scale = max/-nmax, then tries
// 18 nearby scales and keeps the least-squares fit with the largest
// sumlx²/suml2.
func searchScaleSigned(nmax int32, x []float32, L []int8) float32 {
	n := len(x)
	L = L[:n]
	xmax, amax := signedAbsMax(x)
	if amax < groupMaxEps {
		clear(L)
		return 0
	}
	levels := func(iscale float32) (sumlx, suml2 float32) {
		for _, v := range x {
			l := float32(max(-nmax, min(nmax-1, nearestInt(float32(iscale*v)))))
			w := float32(v * v)
			sumlx += float32(float32(w*v) * l)
			suml2 += float32(float32(w*l) * l)
		}
		return sumlx, suml2
	}
	store := func(iscale float32) {
		for i, v := range x {
			L[i] = int8(nmax + max(-nmax, min(nmax-1, nearestInt(float32(iscale*v)))))
		}
	}
	iscale := float32(-nmax) / xmax
	store(iscale)
	sumlx, suml2 := levels(iscale)
	var scale float32
	if suml2 != 0 {
		scale = sumlx / suml2
	}
	best := float32(scale * sumlx)
	for is := int32(-9); is <= 9; is++ {
		if is == 0 {
			continue
		}
		iscale = -(float32(nmax) + float32(0.1*float32(is))) / xmax
		sumlx, suml2 = levels(iscale)
		if suml2 > 0 && float32(sumlx*sumlx) > float32(best*suml2) {
			store(iscale)
			scale = sumlx / suml2
			best = float32(scale * sumlx)
		}
	}
	return scale
}

// searchScaleQ3 is ggml's make_q3_quants with do_rmse: start from
// scale = max/-nmax, then up to five rounds of moving single levels to
// where they improve the x²-weighted least-squares fit. L gets values
// l+nmax in 0..2*nmax-1 (or all 0 for an all-zero group).
func searchScaleQ3(nmax int32, x []float32, L []int8) float32 {
	n := len(x)
	L = L[:n]
	xmax, amax := signedAbsMax(x)
	if amax < groupMaxEps {
		clear(L)
		return 0
	}
	iscale := float32(-nmax) / xmax
	var sumlx, suml2 float32
	for i, v := range x {
		l := max(-nmax, min(nmax-1, nearestInt(float32(iscale*v))))
		L[i] = int8(l)
		fl := float32(l)
		w := float32(v * v)
		sumlx += float32(float32(w*v) * fl)
		suml2 += float32(float32(w*fl) * fl)
	}
	for range 5 {
		changed := 0
		for i, v := range x {
			w := float32(v * v)
			li := float32(L[i])
			slx := sumlx - float32(float32(w*v)*li)
			if !(slx > 0) {
				continue
			}
			sl2 := suml2 - float32(float32(w*li)*li)
			newL := max(-nmax, min(nmax-1, nearestInt(float32(v*sl2)/slx)))
			if newL == int32(L[i]) {
				continue
			}
			fn := float32(newL)
			slx += float32(float32(w*v) * fn)
			sl2 += float32(float32(w*fn) * fn)
			if sl2 > 0 && float32(float32(slx*slx)*suml2) > float32(float32(sumlx*sumlx)*sl2) {
				L[i] = int8(newL)
				sumlx, suml2 = slx, sl2
				changed++
			}
		}
		if changed == 0 {
			break
		}
	}
	for i := range L {
		L[i] += int8(nmax)
	}
	if suml2 > 0 {
		return sumlx / suml2
	}
	return 0
}

// sqrtf is C's sqrtf: the float64 square root rounded to float32 is the
// correctly rounded float32 square root.
func sqrtf(f float32) float32 { return float32(math.Sqrt(float64(f))) }
