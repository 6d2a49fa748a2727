"""What a signed project promised (履约) and what a landed project delivers (效益): promises
with check dates, yearly results, 亩均 figures, and the batches from 生成 to 投产生效."""
