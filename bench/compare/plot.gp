# SPDX-License-Identifier: GPL-2.0
# bench/compare/plot.gp: the comparison chart.
#   gnuplot -e "dat='compare-plot.dat'; png='compare.png'; sub='...'" plot.gp
# Left: security set-up latency (median bar, whisker to p90, log scale);
# right: latency added per request/response exchange (median, p90).
set terminal pngcairo size 1200,520 font "DejaVu Sans,11"
set output png
set multiplot layout 1,2 title "mihsec vs DTLS 1.2 vs IPsec/IKEv2 (same MIH exchange, same VM run)\n".sub
set style fill solid 0.6 border -1
set boxwidth 0.6
set xrange [-0.6:2.6]
set grid ytics
unset key
set title "(a) set-up latency: t0 to first protected MIH response"
set ylabel "ms (log scale), bar = median, whisker = p90"
set logscale y
set yrange [0.1:*]
plot dat using 1:3:xtic(2) with boxes lc rgb "#4878a8", \
     '' using 1:3:3:4 with yerrorbars lc rgb "black" pt 0 lw 1.5, \
     '' using 1:($4*1.35):(sprintf("%.1f", $3)) with labels
unset logscale y
set yrange [0:*]
set title "(b) latency added per request/response"
set ylabel "microseconds (RTT protected - RTT in clear)"
plot dat using 1:5:xtic(2) with boxes lc rgb "#a86048", \
     '' using 1:5:5:6 with yerrorbars lc rgb "black" pt 0 lw 1.5, \
     '' using 1:($6*1.08+1):(sprintf("%.0f", $5)) with labels
unset multiplot
