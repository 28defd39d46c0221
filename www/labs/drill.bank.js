//! The interview drill's conceptual questions: per topic (ids of app/topics.js), multiple-choice
//! items written for this page, in en and zh, each option with the reason it is right or wrong.
//! `{q, right: {t, why}, wrong: [{t, why}, ...]}`; drill.gen.js shuffles the options per seed.

const L = (en, zh) => ({ en, zh });
const o = (en, zh, whyEn, whyZh) => ({ t: L(en, zh), why: L(whyEn, whyZh) });

export const BANK = {
  batchnorm: [
    {
      q: L('Why does BatchNorm usually let you train with a larger learning rate?', '为什么 BatchNorm 通常允许用更大的学习率训练？'),
      right: o('It keeps each layer’s pre-activations at a controlled scale, so the loss surface is smoother and gradients do not explode with the weights’ scale', '它把每层的激活前值保持在受控的尺度上，损失面更平滑，梯度不随权重尺度爆炸',
        'Right: the output of BN is invariant to the scale of the weights before it, which smooths the optimization landscape (Santurkar et al. 2018).', '正确：BN 的输出对其前面权重的尺度不变，使优化曲面更平滑（Santurkar 等 2018）。'),
      wrong: [
        o('It removes the need for a nonlinearity', '它让网络不再需要非线性激活', 'No: BN is affine per channel at inference; the network still needs nonlinearities.', '不对：推理时 BN 是逐通道的仿射变换，网络仍需非线性。'),
        o('It adds noise that replaces dropout completely in every model', '它加入的噪声在任何模型里都能完全替代 dropout', 'The batch noise regularizes a little, but it is not a general replacement for dropout.', '批统计带来的噪声有一点正则作用，但不能普遍替代 dropout。'),
        o('It reduces the number of parameters of the layer', '它减少了层的参数量', 'BN adds 2 parameters per channel (γ, β); it does not remove any.', 'BN 每通道增加 2 个参数（γ、β），不会减少参数。'),
      ],
    },
    {
      q: L('At inference, what statistics does BatchNorm normalize with?', '推理时 BatchNorm 用什么统计量做归一化？'),
      right: o('The running mean and variance accumulated during training', '训练中累计的滑动均值和方差', 'Right: eval mode (model.eval) switches BN to the running estimates, so an output does not depend on the other samples of the batch.', '正确：eval 模式（model.eval）让 BN 使用滑动估计值，一个样本的输出不依赖同批其他样本。'),
      wrong: [
        o('The mean and variance of the current test batch', '当前测试批次的均值和方差', 'That is training mode; at inference it would make predictions depend on batch composition (and break with batch size 1).', '那是训练模式；推理时这样做会让预测依赖批次组成（批大小为 1 时出错）。'),
        o('Mean 0 and variance 1, fixed', '固定的均值 0、方差 1', 'BN learns nothing about the data that way; it uses the tracked running statistics.', '这样 BN 就不反映数据分布；它用的是跟踪得到的滑动统计量。'),
        o('The statistics of the last training batch', '最后一个训练批次的统计量', 'It uses an exponential moving average over all batches, not one batch.', '它用的是所有批次的指数滑动平均，不是某一个批次。'),
      ],
    },
  ],
  'dilated-conv': [
    {
      q: L('What do dilated convolutions buy in semantic segmentation?', '空洞卷积在语义分割中带来什么？'),
      right: o('A larger receptive field without downsampling or more parameters', '不降采样、不增加参数就能扩大感受野', 'Right: the same k×k weights sample a wider window, so resolution is kept (DeepLab).', '正确：同样 k×k 的权重采样更宽的窗口，保持分辨率（DeepLab）。'),
      wrong: [
        o('Fewer multiply-adds than a normal conv with the same k', '比相同 k 的普通卷积乘加更少', 'Same k×k taps per output: the same cost.', '每个输出同样 k×k 个采样点：计算量相同。'),
        o('Dense coverage of every pixel in the window', '窗口内每个像素都被密集覆盖', 'The opposite: stacking equal dilations leaves holes (the gridding artifact).', '恰恰相反：相同空洞率堆叠会留下空洞（网格效应）。'),
        o('A smaller output map', '更小的输出特征图', 'With matching padding the output keeps its size; that is the point.', '配合合适的填充，输出尺寸不变；这正是目的。'),
      ],
    },
  ],
  interpolation: [
    {
      q: L('Why do align_corners=True and False give different upsampled images?', '为什么 align_corners=True 和 False 的上采样结果不同？'),
      right: o('They map output pixels to different source coordinates: corner pixels vs pixel centres', '它们把输出像素映射到不同的源坐标：角点对齐 vs 像素中心对齐', 'Right: True uses x·(in − 1)/(out − 1), False uses (x + 0.5)·in/out − 0.5.', '正确：True 用 x·(in − 1)/(out − 1)，False 用 (x + 0.5)·in/out − 0.5。'),
      wrong: [
        o('True uses nearest neighbour, False bilinear', 'True 用最近邻，False 用双线性', 'Both are bilinear; only the coordinate mapping differs.', '两者都是双线性，只有坐标映射不同。'),
        o('False antialiases, True does not', 'False 会抗锯齿，True 不会', 'Antialiasing is a separate option (antialias=True) for downsampling.', '抗锯齿是单独的选项（antialias=True），用于缩小。'),
        o('They differ only in rounding of the final value', '只在最终数值的舍入上不同', 'The sample positions themselves differ, so values differ everywhere except special points.', '采样位置本身不同，所以除特殊点外各处数值都不同。'),
      ],
    },
  ],
  'focal-loss': [
    {
      q: L('In focal loss, what happens as γ grows?', 'focal loss 中 γ 增大时会怎样？'),
      right: o('Well-classified examples (p_t near 1) are down-weighted more strongly; γ = 0 is plain (α-weighted) cross-entropy', '分得好的样本（p_t 接近 1）被更强地降权；γ = 0 就是（α 加权的）交叉熵', 'Right: the factor (1 − p_t)^γ shrinks faster for easy examples as γ grows.', '正确：γ 越大，简单样本的 (1 − p_t)^γ 缩得越快。'),
      wrong: [
        o('Hard examples are down-weighted', '难样本被降权', 'The opposite: hard examples (small p_t) keep a factor near 1.', '相反：难样本（p_t 小）的因子接近 1。'),
        o('The positive class gets a larger weight', '正类获得更大权重', 'That is α’s job, not γ’s.', '那是 α 的作用，不是 γ 的。'),
        o('The loss becomes a regression loss', '损失变成回归损失', 'It stays a classification loss on probabilities.', '它仍是基于概率的分类损失。'),
      ],
    },
    {
      q: L('What problem does focal loss address in one-stage detectors?', 'Focal loss 在单阶段检测器里解决什么问题？'),
      right: o('The flood of easy negatives dominating the loss: (1 − p_t)^γ down-weights well-classified examples', '大量简单负样本主导损失：(1 − p_t)^γ 降低已分对样本的权重', 'Right: RetinaNet’s dense anchors are mostly easy background; focal loss focuses training on the hard ones.', '正确：RetinaNet 的密集锚框大多是简单背景；focal loss 让训练聚焦于难样本。'),
      wrong: [
        o('Overfitting on small datasets', '小数据集上的过拟合', 'It reweights examples; it is not a regularizer against overfitting.', '它是重新加权样本，不是防过拟合的正则化。'),
        o('Exploding gradients in deep networks', '深层网络的梯度爆炸', 'Unrelated: that is handled by init, normalization and clipping.', '无关：那要靠初始化、归一化和梯度裁剪。'),
        o('Localization error of the boxes', '边框定位误差', 'Focal loss is the classification loss; box regression uses smooth L1 or IoU losses.', 'Focal loss 是分类损失；框回归用 smooth L1 或 IoU 损失。'),
      ],
    },
  ],
  'depthwise-separable': [
    {
      q: L('What does the depthwise step of a separable conv not do?', '可分离卷积的逐通道（depthwise）步骤不做什么？'),
      right: o('Mix information across channels (the pointwise 1×1 does that)', '跨通道混合信息（那是逐点 1×1 的工作）', 'Right: each depthwise filter sees one channel; the 1×1 conv combines them.', '正确：每个逐通道滤波器只看一个通道；1×1 卷积负责组合。'),
      wrong: [
        o('Filter spatially', '空间滤波', 'It does: it is a k×k spatial filter per channel.', '它做：每个通道一个 k×k 空间滤波器。'),
        o('Have learnable weights', '拥有可学习权重', 'It has k²·C weights.', '它有 k²·C 个权重。'),
        o('Keep the number of channels', '保持通道数', 'It does keep C channels (multiplier 1).', '它确实保持 C 个通道（倍数为 1）。'),
      ],
    },
  ],
  dropout: [
    {
      q: L('Why does dropout reduce overfitting?', '为什么 dropout 能减轻过拟合？'),
      right: o('No unit can rely on specific others (less co-adaptation), and the net behaves like an average of many thinned sub-networks', '任何单元都不能依赖特定的其他单元（减少共适应），网络相当于许多“变薄”子网络的平均', 'Right: each step trains a random sub-network sharing the weights; at test time the full net approximates their ensemble.', '正确：每一步训练一个共享权重的随机子网络；测试时完整网络近似它们的集成。'),
      wrong: [
        o('It lowers the number of parameters permanently', '它永久减少了参数量', 'All weights are kept; only activations are dropped, and only during training.', '所有权重都保留；只在训练时丢弃激活。'),
        o('It normalizes the activations like BatchNorm', '它像 BatchNorm 一样归一化激活', 'Dropout adds noise; it does not normalize.', 'Dropout 是加噪声，不是归一化。'),
        o('It makes each training step cheaper', '它让每步训练更便宜', 'Standard implementations compute the full layer and mask it: no saving.', '常见实现先算完整层再乘掩码：没有节省。'),
      ],
    },
    {
      q: L('What happens to inverted dropout at inference (eval mode)?', '推理时（eval 模式）倒置 dropout 怎么处理？'),
      right: o('Nothing: it is the identity, because kept units were already scaled by 1/(1 − p) in training', '什么都不做：恒等映射，因为训练时保留的单元已乘以 1/(1 − p)', 'Right: the expectation matches at train and test, so no test-time scaling is needed.', '正确：训练与测试的期望一致，测试时无需缩放。'),
      wrong: [
        o('Outputs are multiplied by 1 − p', '输出乘以 1 − p', 'That is the original (non-inverted) formulation.', '那是原始（非倒置）形式的做法。'),
        o('Units are still dropped at random', '仍然随机丢弃单元', 'Only in MC-dropout, on purpose; standard inference is deterministic.', '只有 MC dropout 会故意这样做；标准推理是确定性的。'),
        o('Outputs are divided by p', '输出除以 p', 'No scaling at test time, and p is the drop rate anyway.', '测试时不缩放，而且 p 是丢弃率。'),
      ],
    },
  ],
  distillation: [
    {
      q: L('Why use a temperature T > 1 in knowledge distillation?', '知识蒸馏中为什么用温度 T > 1？'),
      right: o('It softens the teacher’s distribution so the relative probabilities of wrong classes ("dark knowledge") carry signal', '软化教师分布，使错误类别之间的相对概率（“暗知识”）提供信号', 'Right: at T = 1 a confident teacher is nearly one-hot; T > 1 reveals which wrong classes are similar.', '正确：T = 1 时自信的教师几乎是 one-hot；T > 1 能显示哪些错误类相似。'),
      wrong: [
        o('It speeds up the teacher’s inference', '加快教师推理', 'T only rescales logits; it costs nothing and saves nothing.', 'T 只是缩放 logits，不省也不费计算。'),
        o('It makes the student’s predictions sharper at test time', '让学生测试时的预测更尖锐', 'The student is used at T = 1 at test time; T softens, not sharpens.', '学生测试时用 T = 1；T 是软化而非锐化。'),
        o('It removes the need for the hard-label loss', '不再需要硬标签损失', 'Usually both are combined; T is about the soft term.', '通常二者结合使用；T 只作用于软目标项。'),
      ],
    },
  ],
  conv1x1: [
    {
      q: L('What does a 1×1 convolution do?', '1×1 卷积做什么？'),
      right: o('A per-pixel linear map across channels: changes the channel count and mixes channels', '逐像素的跨通道线性变换：改变通道数并混合通道', 'Right: it is a fully connected layer over channels, shared across positions (bottlenecks, NiN).', '正确：它是在通道维上的全连接，各位置共享（瓶颈结构、NiN）。'),
      wrong: [
        o('Nothing: it is the identity', '什么都不做，是恒等映射', 'It has C_in·C_out learned weights.', '它有 C_in·C_out 个可学习权重。'),
        o('It enlarges the receptive field', '扩大感受野', 'A 1×1 window adds nothing to the receptive field.', '1×1 的窗口不增加感受野。'),
        o('It downsamples the feature map', '对特征图降采样', 'Only with a stride > 1; by itself it keeps H×W.', '只有步长 > 1 才会；本身保持 H×W。'),
      ],
    },
  ],
  'add-vs-concat': [
    {
      q: L('Fusing two feature maps: what is a key difference between add (ResNet) and concat (DenseNet, U-Net)?', '融合两个特征图：相加（ResNet）和拼接（DenseNet、U-Net）的关键区别是什么？'),
      right: o('Add needs equal shapes and keeps C channels; concat keeps both as separate channels (2C), so the next layer costs more but can weight them freely', '相加要求形状相同并保持 C 个通道；拼接把两者作为独立通道保留（2C），下一层更贵但可以自由加权', 'Right: concat preserves information at the price of width; add is free but mixes the signals.', '正确：拼接以宽度为代价保留信息；相加不增加开销但会混合信号。'),
      wrong: [
        o('Concat needs the same number of channels, add does not', '拼接要求通道数相同，相加不需要', 'Reversed: add needs identical shapes; concat needs equal H×W only.', '反了：相加要求形状完全相同；拼接只要求 H×W 相同。'),
        o('Add doubles the parameters of the next layer', '相加会让下一层参数翻倍', 'Concat does (2C input channels).', '是拼接让下一层参数翻倍（输入 2C 通道）。'),
        o('They are equivalent after any conv', '经过任何卷积后二者等价', 'A conv after concat can learn add (equal weights), but not the reverse: concat is strictly more expressive.', '拼接后的卷积可以学成相加（权重相等），反之不行：拼接表达能力更强。'),
      ],
    },
  ],
  'weight-sharing': [
    {
      q: L('What property does weight sharing give a convolution?', '权重共享赋予卷积什么性质？'),
      right: o('Translation equivariance: a shifted input gives a shifted output, and far fewer parameters', '平移等变：输入平移则输出平移，并且参数大大减少', 'Right: the same kernel at every position detects a pattern wherever it is.', '正确：每个位置用同一个核，无论模式在哪里都能检测到。'),
      wrong: [
        o('Rotation invariance', '旋转不变性', 'A standard conv is not rotation invariant; that needs augmentation or special layers.', '标准卷积不具备旋转不变性；需要数据增强或专门的层。'),
        o('Scale invariance', '尺度不变性', 'Scale needs pyramids/FPN or augmentation.', '尺度问题要靠金字塔/FPN 或数据增强。'),
        o('Exact translation invariance of the output map', '输出特征图的严格平移不变', 'The map is equivariant; (approximate) invariance comes from pooling.', '特征图是等变的；（近似）不变性来自池化。'),
      ],
    },
  ],
  'receptive-field': [
    {
      q: L('Why are two stacked 3×3 convs often preferred to one 5×5 (VGG)?', '为什么常用两个堆叠的 3×3 卷积代替一个 5×5（VGG）？'),
      right: o('Same 5×5 receptive field, fewer weights (18C² vs 25C²) and an extra nonlinearity', '感受野同为 5×5，权重更少（18C² 对 25C²），还多一个非线性', 'Right: r = 1 + 2 + 2 = 5 with 2·9·C² weights.', '正确：r = 1 + 2 + 2 = 5，权重 2·9·C²。'),
      wrong: [
        o('A larger receptive field than 5×5', '感受野比 5×5 大', 'It is exactly 5×5.', '正好是 5×5。'),
        o('Fewer layers to train', '需要训练的层更少', 'It has more layers.', '层数更多。'),
        o('They compute exactly the same function', '二者计算完全相同的函数', 'With a ReLU between them the stack is nonlinear; a single 5×5 is linear.', '中间有 ReLU 时堆叠是非线性的；单个 5×5 是线性的。'),
      ],
    },
  ],
  'under-overfitting': [
    {
      q: L('Training loss keeps falling, validation loss has been rising for many epochs. What is this, and a good first remedy?', '训练损失持续下降，验证损失已经上升了很多轮。这是什么情况，首选的补救是什么？'),
      right: o('Overfitting: regularize (weight decay, dropout, augmentation) or stop early', '过拟合：加正则（权重衰减、dropout、数据增强）或早停', 'Right: the gap between train and validation grows.', '正确：训练与验证之间的差距在扩大。'),
      wrong: [
        o('Underfitting: make the model bigger', '欠拟合：加大模型', 'Underfitting shows high training loss; here training loss is low.', '欠拟合表现为训练损失高；这里训练损失很低。'),
        o('The learning rate is too high: raise the batch size', '学习率太高：加大批大小', 'A too-high learning rate hurts training loss too.', '学习率过高也会让训练损失变差。'),
        o('A data-loading bug: nothing to do with the model', '数据加载错误，与模型无关', 'Possible but not the textbook reading of these curves.', '有可能，但不是这两条曲线的典型解读。'),
      ],
    },
    {
      q: L('Both training and validation accuracy are low and close to each other. What helps most?', '训练和验证准确率都很低而且相近。最有用的是什么？'),
      right: o('More capacity or training: a bigger model, better features, longer training, less regularization', '增加容量或训练：更大模型、更好特征、训练更久、减少正则', 'Right: this is underfitting (high bias).', '正确：这是欠拟合（高偏差）。'),
      wrong: [
        o('More dropout', '更多 dropout', 'Regularization lowers capacity further.', '正则化会进一步降低容量。'),
        o('Early stopping', '早停', 'That fights overfitting, not underfitting.', '早停对付的是过拟合，不是欠拟合。'),
        o('A smaller model', '更小的模型', 'That makes underfitting worse.', '会让欠拟合更严重。'),
      ],
    },
  ],
  optimizers: [
    {
      q: L('What does Adam’s bias correction fix?', 'Adam 的偏差修正解决什么问题？'),
      right: o('Moment estimates start at 0 and are biased towards 0 in early steps; dividing by 1 − βᵗ removes that', '矩估计从 0 开始，早期偏向 0；除以 1 − βᵗ 消除这一偏差', 'Right: without it the second moment is tiny early on and the first steps misbehave.', '正确：没有它，早期二阶矩很小，最初几步会失常。'),
      wrong: [
        o('It prevents the learning rate from decaying', '防止学习率衰减', 'Adam has no built-in decay to prevent.', 'Adam 本身没有需要防止的衰减。'),
        o('It adds weight decay', '加入权重衰减', 'That is AdamW’s decoupled decay, a separate change.', '那是 AdamW 的解耦权重衰减，另一回事。'),
        o('It clips large gradients', '裁剪过大的梯度', 'Clipping is separate (clip_grad_norm_).', '裁剪是另外的操作（clip_grad_norm_）。'),
      ],
    },
  ],
  'non-convergence': [
    {
      q: L('The loss becomes NaN after a few hundred steps. The most likely first check?', '训练几百步后损失变成 NaN。首先最可能要查的是？'),
      right: o('The learning rate is too high (or gradients explode): lower it, add warmup or gradient clipping', '学习率过高（或梯度爆炸）：降低学习率、加预热或梯度裁剪', 'Right: divergence is the common cause; also check log(0) and division by zero in the loss.', '正确：发散是常见原因；也要检查损失里的 log(0) 和除以零。'),
      wrong: [
        o('The model is too small', '模型太小', 'A small model underfits; it does not produce NaN.', '小模型会欠拟合，不会产生 NaN。'),
        o('Too much dropout', 'dropout 太多', 'Dropout slows learning but does not cause NaN.', 'dropout 会减慢学习但不会导致 NaN。'),
        o('The validation set is too small', '验证集太小', 'The validation set does not affect the training loss.', '验证集不影响训练损失。'),
      ],
    },
    {
      q: L('The training loss stays flat from the very first step. Which is a likely cause?', '训练损失从第一步起就一动不动。可能的原因是？'),
      right: o('Zero (or symmetric) initialization, dead ReLUs, or a learning rate far too small', '零（或对称）初始化、ReLU 死亡，或学习率太小', 'Right: no gradient signal or no symmetry breaking means no learning.', '正确：没有梯度信号或没有打破对称就学不到东西。'),
      wrong: [
        o('Overfitting', '过拟合', 'Overfitting needs the training loss to go down first.', '过拟合的前提是训练损失先下降。'),
        o('A learning rate that is too high', '学习率太高', 'That usually oscillates or diverges rather than staying flat.', '那通常是震荡或发散，而不是不动。'),
        o('Too much training data', '训练数据太多', 'More data does not stop the loss from moving.', '数据多不会让损失停住。'),
      ],
    },
  ],
  'weight-init': [
    {
      q: L('Why not initialize all weights of a layer to zero?', '为什么不能把一层的所有权重初始化为 0？'),
      right: o('Every unit then computes the same thing and gets the same gradient: the symmetry never breaks', '所有单元计算相同、梯度也相同：对称性永远打不破', 'Right: units stay identical copies; random init breaks the symmetry.', '正确：各单元始终是相同副本；随机初始化才能打破对称。'),
      wrong: [
        o('Zero weights make the loss NaN', '权重为零会让损失变成 NaN', 'The loss is finite; the network just cannot learn distinct features.', '损失是有限的；只是网络学不到不同的特征。'),
        o('Zeros are too large for deep nets', '零对深层网络来说太大', 'Zero is the smallest scale possible; the problem is symmetry.', '零已经是最小尺度；问题在于对称。'),
        o('It only matters for biases', '只对偏置有影响', 'Biases can start at 0; the weights must not all be equal.', '偏置可以从 0 开始；权重不能全部相等。'),
      ],
    },
    {
      q: L('Why does He (Kaiming) init use a gain of √2 compared with LeCun?', '为什么 He（Kaiming）初始化比 LeCun 多一个 √2 的增益？'),
      right: o('ReLU zeroes half its inputs, halving the variance; √2 restores it layer after layer', 'ReLU 把一半输入置零，方差减半；√2 逐层补回来', 'Right: Var(w) = 2/fan_in keeps the activations’ variance constant through ReLU layers.', '正确：Var(w) = 2/fan_in 使激活方差在 ReLU 层之间保持不变。'),
      wrong: [
        o('To break symmetry', '为了打破对称', 'Any random init breaks symmetry; the gain is about scale.', '任何随机初始化都能打破对称；增益关乎尺度。'),
        o('Because tanh has slope 2 at 0', '因为 tanh 在 0 处斜率为 2', 'tanh has slope 1 at 0; He init is for ReLU.', 'tanh 在 0 处斜率为 1；He 初始化针对 ReLU。'),
        o('To make the weights sparse', '为了让权重稀疏', 'A gain only scales; it creates no zeros.', '增益只是缩放，不会产生零。'),
      ],
    },
  ],
  'training-tricks': [
    {
      q: L('Why use learning-rate warmup with Adam or large batches?', '为什么 Adam 或大批量训练要用学习率预热？'),
      right: o('Early statistics (Adam’s second moment, BN stats) are unreliable and the weights are random: small steps first avoid an early blow-up', '早期统计量（Adam 二阶矩、BN 统计）不可靠、权重随机：先小步走可避免早期崩溃', 'Right: warmup stabilizes the first steps; the full rate is used once things settle.', '正确：预热稳定最初几步，稳定后再用完整学习率。'),
      wrong: [
        o('To finish training faster by starting with a large rate', '开头用大学习率以更快结束', 'Warmup starts small.', '预热是从小学习率开始的。'),
        o('It replaces learning-rate decay', '它替代学习率衰减', 'Warmup is usually combined with a decay (e.g. cosine).', '预热通常与衰减（如余弦）组合使用。'),
        o('It is only needed for SGD without momentum', '只有不带动量的 SGD 才需要', 'It matters most for Adam and large-batch training.', '它对 Adam 和大批量训练最重要。'),
      ],
    },
  ],
  'temporal-modules': [
    {
      q: L('Long sequences, you need parallel training and a long but fixed context. Which temporal module fits best?', '序列很长，需要并行训练和较长但固定的上下文。哪种时序模块最合适？'),
      right: o('A TCN: dilated causal convolutions grow the receptive field exponentially and run in parallel', 'TCN：空洞因果卷积让感受野指数增长，并可并行计算', 'Right: every time step is computed at once, and the context is set by the dilations.', '正确：所有时间步一次算完，上下文长度由空洞率决定。'),
      wrong: [
        o('A vanilla RNN', '普通 RNN', 'Sequential (no parallelism over time) and vanishing gradients over long spans.', '按时间顺序计算（无法并行），长距离梯度消失。'),
        o('An LSTM', 'LSTM', 'Better memory than an RNN, but still sequential in time.', '记忆比 RNN 好，但仍按时间顺序计算。'),
        o('A 1×1 conv over time', '时间上的 1×1 卷积', 'It sees one time step: no temporal context at all.', '它只看一个时间步，完全没有时间上下文。'),
      ],
    },
    {
      q: L('What do the gates of an LSTM mainly fix compared with a vanilla RNN?', 'LSTM 的门控相比普通 RNN 主要解决什么？'),
      right: o('Vanishing gradients over long time spans: the additive cell state carries information and gradient', '长时间跨度上的梯度消失：加性的细胞状态传递信息和梯度', 'Right: the forget gate lets the cell keep its value, so the gradient is not repeatedly squashed.', '正确：遗忘门让细胞状态保持，梯度不会被反复压缩。'),
      wrong: [
        o('The cost of each step', '每步的计算量', 'An LSTM step costs about 4× an RNN step.', 'LSTM 每步计算量约是 RNN 的 4 倍。'),
        o('Parallelism over time', '时间上的并行', 'LSTMs are still sequential.', 'LSTM 仍是顺序计算。'),
        o('Overfitting', '过拟合', 'Gates add parameters; they are not a regularizer.', '门控增加参数，不是正则化手段。'),
      ],
    },
  ],
  activations: [
    {
      q: L('Why did ReLU replace sigmoid in hidden layers of deep networks?', '为什么深层网络的隐藏层用 ReLU 代替了 sigmoid？'),
      right: o('Its gradient is 1 for positive inputs, so it does not saturate; sigmoid’s is at most 0.25 and vanishes through depth', '正输入时梯度为 1，不饱和；sigmoid 的梯度最大 0.25，穿过多层后消失', 'Right: products of ≤ 0.25 factors shrink exponentially with depth.', '正确：多个 ≤ 0.25 的因子相乘随深度指数衰减。'),
      wrong: [
        o('ReLU is bounded, sigmoid is not', 'ReLU 有界，sigmoid 无界', 'Reversed: sigmoid is bounded in (0, 1), ReLU is unbounded above.', '反了：sigmoid 有界于 (0, 1)，ReLU 上方无界。'),
        o('ReLU is zero-centred', 'ReLU 以零为中心', 'It is not (outputs ≥ 0); tanh is zero-centred.', '不是（输出 ≥ 0）；tanh 才以零为中心。'),
        o('ReLU never has zero gradient', 'ReLU 的梯度永远不为零', 'It is 0 for negative inputs (dead ReLUs).', '负输入时梯度为 0（ReLU 死亡）。'),
      ],
    },
  ],
  'roc-auc': [
    {
      q: L('What does an AUC of 0.5 mean?', 'AUC 为 0.5 意味着什么？'),
      right: o('The scores rank a random positive above a random negative only half the time: no better than chance', '随机正样本排在随机负样本之前的概率只有一半：与随机猜测无异', 'Right: AUC is that ranking probability.', '正确：AUC 就是这个排序概率。'),
      wrong: [
        o('Half of the predictions are correct at threshold 0.5', '阈值 0.5 时一半预测正确', 'AUC does not depend on a threshold.', 'AUC 与阈值无关。'),
        o('The model is perfectly wrong', '模型完全错误', 'That is AUC = 0 (invert the scores to get 1).', '那是 AUC = 0（把分数取反即得 1）。'),
        o('Precision equals recall', '精确率等于召回率', 'Unrelated to the ROC curve’s area.', '与 ROC 曲线下面积无关。'),
      ],
    },
  ],
  'l1-vs-l2': [
    {
      q: L('Why does L1 regularization give sparse weights and L2 does not?', '为什么 L1 正则会得到稀疏权重而 L2 不会？'),
      right: o('L1’s gradient λ·sign(w) stays the same size as w → 0, pushing small weights to exactly 0; L2’s λ·w vanishes near 0', 'L1 的梯度 λ·sign(w) 在 w → 0 时大小不变，把小权重推到 0；L2 的 λ·w 在 0 附近消失', 'Right: the diamond-shaped L1 ball also has corners on the axes.', '正确：L1 球的菱形在坐标轴上有尖角。'),
      wrong: [
        o('L2 penalizes large weights less than L1', 'L2 对大权重的惩罚比 L1 小', 'L2 penalizes large weights more (quadratically).', 'L2 对大权重惩罚更重（平方）。'),
        o('L1 is differentiable everywhere', 'L1 处处可导', 'It is not differentiable at 0; that kink is why weights stick there.', '它在 0 处不可导；正是这个尖点让权重停在 0。'),
        o('They give the same solution for small λ', 'λ 小时两者解相同', 'They differ in kind, not only in degree.', '它们是性质不同，不只是程度不同。'),
      ],
    },
  ],
  'label-smoothing': [
    {
      q: L('With label smoothing ε and C classes, what target does a wrong class get (PyTorch)?', '标签平滑 ε、C 类时，错误类的目标是多少（PyTorch）？'),
      right: o('ε / C', 'ε / C', 'Right: PyTorch spreads ε uniformly over all C classes, so the true class gets 1 − ε + ε/C.', '正确：PyTorch 把 ε 均匀分给全部 C 类，真实类得到 1 − ε + ε/C。'),
      wrong: [
        o('ε / (C − 1)', 'ε / (C − 1)', 'That variant spreads ε over the wrong classes only (the true class keeps 1 − ε); not PyTorch’s.', '这种变体只把 ε 分给错误类（真实类保持 1 − ε）；不是 PyTorch 的做法。'),
        o('ε', 'ε', 'Then the targets would sum to more than 1.', '那样目标之和会超过 1。'),
        o('0', '0', 'That is no smoothing.', '那就是没有平滑。'),
      ],
    },
    {
      q: L('What does label smoothing mainly do?', '标签平滑主要作用是什么？'),
      right: o('Stops the model from pushing logits to infinity for one-hot targets: better calibration and less overconfidence', '防止模型为 one-hot 目标把 logits 推向无穷：校准更好，不过度自信', 'Right: with smoothed targets the optimal logits are finite.', '正确：目标平滑后，最优 logits 是有限的。'),
      wrong: [
        o('It cleans noisy labels', '清洗噪声标签', 'It is a little more robust to noise, but it does not find or fix wrong labels.', '它对噪声略鲁棒，但不会发现或修正错误标签。'),
        o('It speeds up convergence', '加快收敛', 'Not its purpose; it can even slow training loss down.', '不是它的目的；甚至会让训练损失下降变慢。'),
        o('It smooths the input images', '平滑输入图像', 'It acts on the targets, not the inputs.', '它作用于目标，不是输入。'),
      ],
    },
  ],
  'norm-family': [
    {
      q: L('Batch size 2 for detection or segmentation: which normalization is the usual choice instead of BatchNorm?', '检测或分割中批大小为 2：通常用哪种归一化代替 BatchNorm？'),
      right: o('GroupNorm: its statistics are per sample, so they do not depend on the batch size', 'GroupNorm：统计量按样本计算，与批大小无关', 'Right: BN’s batch statistics are too noisy with 2 samples (Wu & He 2018).', '正确：2 个样本时 BN 的批统计噪声太大（Wu & He 2018）。'),
      wrong: [
        o('BatchNorm with a larger momentum', '加大 momentum 的 BatchNorm', 'Momentum only affects the running stats; training still uses the noisy batch stats.', 'momentum 只影响滑动统计；训练仍用噪声很大的批统计。'),
        o('No normalization is possible', '无法做归一化', 'LN, IN and GN all work per sample.', 'LN、IN、GN 都是按样本计算的。'),
        o('Dropout', 'Dropout', 'Dropout is a regularizer, not a normalization.', 'Dropout 是正则化，不是归一化。'),
      ],
    },
  ],
  'fpn-small-objects': [
    {
      q: L('On which FPN level are small objects usually detected?', '小目标通常在 FPN 的哪一层检测？'),
      right: o('The fine, high-resolution levels (P2/P3, stride 4–8)', '高分辨率的浅层（P2/P3，步长 4–8）', 'Right: a small object covers only a few cells at stride 32; the fine levels still resolve it, with semantics from the top-down path.', '正确：步长 32 时小目标只占几个格子；高分辨率层还能分辨它，语义来自自顶向下通路。'),
      wrong: [
        o('The coarsest level (P5/P6)', '最粗的层（P5/P6）', 'Those suit large objects; a small object may vanish below one cell.', '那些层适合大目标；小目标可能不到一个格子。'),
        o('All levels equally, always', '所有层一律平等', 'Objects are assigned to a level by their size.', '目标按尺寸分配到某一层。'),
        o('Only the input image', '只在输入图像上', 'Detection heads run on feature maps.', '检测头作用在特征图上。'),
      ],
    },
    {
      q: L('What does FPN fuse to help detect small objects?', 'FPN 融合了什么来帮助检测小目标？'),
      right: o('Upsampled, semantically strong deep features added to high-resolution shallow features (top-down path + lateral 1×1 connections)', '把语义强的深层特征上采样，与高分辨率浅层特征相加（自顶向下通路 + 1×1 横向连接）', 'Right: every level gets both resolution and semantics; small objects are detected on the fine levels.', '正确：每层既有分辨率又有语义；小目标在高分辨率层上检测。'),
      wrong: [
        o('Several crops of the input image at different scales', '输入图像不同尺度的多个裁剪', 'That is an image pyramid, much more expensive; FPN builds a feature pyramid in one pass.', '那是图像金字塔，代价高得多；FPN 一次前向就得到特征金字塔。'),
        o('Features of neighbouring video frames', '相邻视频帧的特征', 'FPN works on single images.', 'FPN 处理的是单张图像。'),
        o('Only the deepest feature map, at higher resolution via dilation', '只用最深层特征，用空洞卷积提高分辨率', 'That is a DeepLab-style approach, not FPN.', '那是 DeepLab 式做法，不是 FPN。'),
      ],
    },
  ],
  'softmax-sigmoid': [
    {
      q: L('What does raising the softmax temperature T do?', '提高 softmax 温度 T 会怎样？'),
      right: o('Flattens the distribution towards uniform, keeping the order of the classes', '让分布变平、趋向均匀，但各类的排序不变', 'Right: softmax(z/T) with large T makes the logit differences small.', '正确：T 大时 softmax(z/T) 中 logit 差距变小。'),
      wrong: [
        o('Sharpens it towards one-hot', '让分布更尖锐、趋向 one-hot', 'That is T < 1.', '那是 T < 1 的效果。'),
        o('Changes which class is most likely', '改变最可能的类别', 'Dividing all logits by the same T > 0 keeps their order.', '所有 logit 除以同一个 T > 0，顺序不变。'),
        o('Makes the probabilities sum to T', '让概率之和变成 T', 'They always sum to 1.', '概率之和永远是 1。'),
      ],
    },
    {
      q: L('Multi-label classification (an image can be both "cat" and "outdoor"): which output?', '多标签分类（一张图可以既是“猫”又是“户外”）：用哪种输出？'),
      right: o('One sigmoid per class with binary cross-entropy', '每类一个 sigmoid，配二元交叉熵', 'Right: the classes are not mutually exclusive, so each gets an independent probability.', '正确：各类不互斥，所以每类有独立的概率。'),
      wrong: [
        o('Softmax over the classes with cross-entropy', '在各类上做 softmax，配交叉熵', 'Softmax makes the probabilities compete and sum to 1: for mutually exclusive classes.', 'softmax 让概率互相竞争、总和为 1：适用于互斥类别。'),
        o('A single sigmoid for all classes', '所有类共用一个 sigmoid', 'One number cannot say which of several labels apply.', '一个数无法表示多个标签中哪些成立。'),
        o('Softmax with temperature 0', '温度为 0 的 softmax', 'That is argmax: exactly one class.', '那就是 argmax：只能选一类。'),
      ],
    },
  ],
  'ce-vs-mse': [
    {
      q: L('Why is cross-entropy preferred to MSE for a sigmoid/softmax classifier?', '为什么 sigmoid/softmax 分类器更适合用交叉熵而不是 MSE？'),
      right: o('CE’s gradient w.r.t. the logit is p − y: large when confidently wrong; MSE’s has a σ′ factor that vanishes there', 'CE 对 logit 的梯度是 p − y：自信地错时很大；MSE 的梯度含 σ′ 因子，此时会消失', 'Right: MSE + sigmoid saturates exactly when the model most needs to learn.', '正确：MSE + sigmoid 恰在最需要学习时饱和。'),
      wrong: [
        o('MSE cannot be computed on probabilities', 'MSE 不能在概率上计算', 'It can; it just learns poorly.', '可以算，只是学得不好。'),
        o('CE is bounded, MSE is not', 'CE 有界，MSE 无界', 'Reversed on probabilities: CE is unbounded (−log p → ∞), MSE ≤ 1.', '在概率上反了：CE 无界（−log p → ∞），MSE ≤ 1。'),
        o('CE needs no labels', 'CE 不需要标签', 'Both need targets.', '两者都需要目标。'),
      ],
    },
  ],
};

// A second item for each topic that had one (appended per topic, in the cheat-sheet's order).
const MORE = {
  'dilated-conv': {
    q: L('Why does stacking several 3×3 convs that all use dilation 2 cause a "gridding" artifact?', '为什么堆叠多个空洞率都为 2 的 3×3 卷积会产生"网格效应"？'),
    right: o('Every layer samples only every other input position, so each output depends on one parity class of pixels and ignores the rest', '每层只采样隔一个的输入位置，所以每个输出只依赖同一奇偶类的像素，忽略其余像素',
      'Right: with equal even dilations the taps never mix odd and even positions; mixing rates such as 1, 2, 5 (HDC) fills the holes.', '正确：空洞率都为偶数时采样点永远不会混合奇偶位置；使用 1、2、5 这样的混合空洞率（HDC）可以填补空洞。'),
    wrong: [
      o('The padding adds zeros inside the kernel', '填充把零加到了卷积核内部', 'Padding adds zeros at the border of the input, not in the kernel; the holes come from the sampling pattern.', '填充是在输入边界补零，不在卷积核里；空洞来自采样模式。'),
      o('Dilated convs downsample the feature map', '空洞卷积会对特征图降采样', 'With stride 1 and matching padding the map keeps its size.', '步长为 1 且填充匹配时，特征图尺寸不变。'),
      o('The receptive field shrinks with every layer', '感受野每层都在缩小', 'It grows by d·(k − 1) per layer; it just has holes.', '感受野每层增长 d·(k − 1)，只是中间有空洞。'),
    ],
  },
  interpolation: {
    q: L('Resizing with nearest-neighbour vs bilinear interpolation for a segmentation mask (class ids): which one, and why?', '对分割掩码（类别编号）做缩放，用最近邻还是双线性插值？为什么？'),
    right: o('Nearest: bilinear would blend class ids into values that are no class at all (the mean of class 1 and 3 is "2")', '最近邻：双线性会把类别编号混合成不属于任何类别的值（类 1 和类 3 的平均是"2"）',
      'Right: labels are categories, not intensities; nearest keeps every output a real class id.', '正确：标签是类别而不是强度；最近邻保证每个输出都是真实的类别编号。'),
    wrong: [
      o('Bilinear, because it is smoother', '双线性，因为更平滑', 'Smoothness is what breaks labels: averaged ids are meaningless.', '平滑正是破坏标签的原因：平均后的编号没有意义。'),
      o('Bicubic, because it is the most accurate', '双三次，因为最精确', 'Bicubic also mixes neighbours (and overshoots), so it invents ids too.', '双三次同样混合邻居（还会过冲），也会造出不存在的编号。'),
      o('It does not matter: the values are rounded afterwards', '无所谓：之后会四舍五入', 'Rounding a blend of 1 and 3 gives 2, a wrong class on the boundary.', '把 1 和 3 的混合四舍五入得到 2，边界上出现错误的类别。'),
    ],
  },
  'depthwise-separable': {
    q: L('Why are depthwise-separable convs often slower on a GPU than their multiply-add count suggests?', '为什么深度可分离卷积在 GPU 上常常比它的乘加数所暗示的要慢？'),
    right: o('The depthwise part does very little arithmetic per byte it reads, so it is limited by memory bandwidth rather than compute', '深度卷积部分每读一个字节做的运算很少，所以受限于内存带宽而不是算力',
      'Right: low arithmetic intensity; FLOPs drop ~8–9× but memory traffic does not, so the speed-up on GPUs is smaller.', '正确：算术强度低；FLOPs 降了约 8–9 倍，但内存访问量没降那么多，所以 GPU 上加速比更小。'),
    wrong: [
      o('They have more parameters than a standard conv', '它们的参数比标准卷积多', 'They have far fewer: k²·C + C·C′ instead of k²·C·C′.', '参数少得多：k²·C + C·C′，而不是 k²·C·C′。'),
      o('The pointwise 1×1 conv cannot be run as a matrix multiply', '逐点 1×1 卷积不能用矩阵乘法实现', 'A 1×1 conv is exactly a matrix multiply, the fastest op there is.', '1×1 卷积恰好就是矩阵乘法，是最快的运算。'),
      o('They need a larger batch size to converge', '它们需要更大的批大小才能收敛', 'Convergence is not what makes one forward pass slow.', '收敛与否不决定一次前向传播的速度。'),
    ],
  },
  distillation: {
    q: L('What "dark knowledge" does a student learn from the teacher’s soft targets that hard labels do not carry?', '学生从教师的软目标中学到、而硬标签不包含的"暗知识"是什么？'),
    right: o('How the teacher ranks the wrong classes (a "2" looks more like a "7" than like a "4"), i.e. the similarity structure between classes', '教师如何给错误类别排序（"2"更像"7"而不像"4"），也就是类别之间的相似结构',
      'Right: the relative probabilities of the wrong classes, visible once T softens the distribution, tell the student which mistakes are reasonable.', '正确：错误类别之间的相对概率在温度 T 软化后变得可见，告诉学生哪些错误是合理的。'),
    wrong: [
      o('The teacher’s weights, copied into the student', '教师的权重，被复制到学生中', 'Nothing is copied: the student only matches the teacher’s outputs.', '没有复制任何东西：学生只匹配教师的输出。'),
      o('The correct class, which hard labels sometimes get wrong', '正确类别，硬标签有时会标错', 'Soft targets can smooth label noise, but their extra information is about the other classes.', '软目标可以缓解标签噪声，但额外的信息在于其他类别。'),
      o('Nothing: at T = 1 soft and hard targets are identical', '没有：T = 1 时软目标和硬目标相同', 'Even at T = 1 the teacher’s softmax is not one-hot; a higher T makes the small probabilities visible.', '即使 T = 1，教师的 softmax 也不是 one-hot；更高的 T 让小概率变得可见。'),
    ],
  },
  conv1x1: {
    q: L('A 1×1 convolution is equivalent to which operation?', '1×1 卷积等价于哪种运算？'),
    right: o('The same fully connected layer applied to the channel vector at every pixel', '在每个像素的通道向量上应用同一个全连接层',
      'Right: it mixes channels, not neighbours: C_out × C_in weights shared over all H·W positions.', '正确：它混合通道而不是相邻像素：C_out × C_in 个权重在所有 H·W 个位置共享。'),
    wrong: [
      o('Multiplying each channel by a scalar', '把每个通道乘以一个标量', 'That is a depthwise 1×1 (groups = C); a normal 1×1 conv mixes all input channels into each output.', '那是深度 1×1（groups = C）；普通 1×1 卷积把所有输入通道混合到每个输出。'),
      o('An identity: it changes nothing', '恒等映射：什么都不改变', 'Only with an identity weight matrix; in general it projects C_in channels to C_out.', '只有权重为单位矩阵时才是；一般情况下它把 C_in 个通道投影到 C_out 个。'),
      o('Average pooling over the channels', '在通道上做平均池化', 'Average pooling is one fixed weight vector; a 1×1 conv learns C_out of them.', '平均池化只是一个固定的权重向量；1×1 卷积学习 C_out 个。'),
    ],
  },
  'add-vs-concat': {
    q: L('U-Net concatenates its skip connections while ResNet adds them. What does concatenation keep that addition loses?', 'U-Net 拼接跳跃连接，而 ResNet 把它们相加。拼接保留了什么相加会丢失的东西？'),
    right: o('The two sources as separate channels, so the next conv can weight the encoder’s fine details and the decoder’s context independently', '两个来源作为独立的通道，下一层卷积可以分别给编码器的细节和解码器的上下文加权',
      'Right: after a sum the two inputs cannot be told apart; concat keeps them and lets the following conv learn how to mix (at 2× its input channels).', '正确：求和之后两个输入无法区分；拼接保留它们，让后面的卷积学习如何混合（代价是输入通道翻倍）。'),
    wrong: [
      o('An identity path for the gradient', '梯度的恒等通路', 'Addition gives the cleanest identity path: ∂(a + b)/∂a = 1; that is why ResNet adds.', '相加给出最干净的恒等通路：∂(a + b)/∂a = 1；这正是 ResNet 用相加的原因。'),
      o('Fewer parameters in the next layer', '下一层的参数更少', 'The opposite: the next conv reads twice the channels, so it has twice the weights.', '恰恰相反：下一层卷积读入两倍通道，权重也是两倍。'),
      o('Nothing: a conv after concat is exactly a conv after add', '没有：拼接后接卷积与相加后接卷积完全相同', 'Add + conv is a special case (both halves of the weights equal); concat + conv is more general.', '相加后卷积只是特例（两半权重相等）；拼接后卷积更一般。'),
    ],
  },
  'weight-sharing': {
    q: L('Weight sharing in a conv layer gives translation equivariance. What does that mean?', '卷积层的权重共享带来平移等变性。这是什么意思？'),
    right: o('Shifting the input shifts the feature map by the same amount (up to borders and stride)', '平移输入，特征图也平移相同的量（不计边界和步长的影响）',
      'Right: the same kernel is applied everywhere, so a pattern produces the same response wherever it appears; invariance comes later from pooling.', '正确：同一个卷积核在所有位置使用，同一模式出现在哪里都产生同样的响应；不变性要靠后面的池化。'),
    wrong: [
      o('The output does not change at all when the input is shifted', '输入平移时输出完全不变', 'That is invariance; a conv’s map moves with the input (equivariance).', '那是不变性；卷积的特征图随输入移动（等变性）。'),
      o('The layer is also equivariant to rotation and scale', '该层对旋转和缩放也等变', 'Only to translation; rotations and scales need augmentation or special layers.', '只对平移等变；旋转和缩放需要数据增强或专门的层。'),
      o('All output channels share one kernel', '所有输出通道共享一个卷积核', 'Each output channel has its own kernel; it is shared across positions, not channels.', '每个输出通道有自己的卷积核；共享是在位置之间，不在通道之间。'),
    ],
  },
  'receptive-field': {
    q: L('Why do VGG-style nets use two stacked 3×3 convs instead of one 5×5?', '为什么 VGG 风格的网络用两个堆叠的 3×3 卷积代替一个 5×5？'),
    right: o('Same 5×5 receptive field with fewer weights (2·9 = 18 vs 25 per channel pair) and one more nonlinearity', '感受野同样是 5×5，但权重更少（每对通道 2·9 = 18 对 25），还多一层非线性',
      'Right: r = 1 + 2 + 2 = 5; three 3×3 give 7×7 with 27 instead of 49.', '正确：r = 1 + 2 + 2 = 5；三个 3×3 得到 7×7，权重 27 对 49。'),
    wrong: [
      o('Two 3×3 convs see more of the image than one 5×5', '两个 3×3 卷积比一个 5×5 看到更多图像', 'They see exactly the same 5×5 window.', '它们看到的正好是同样的 5×5 窗口。'),
      o('A 5×5 kernel cannot be trained with backpropagation', '5×5 卷积核不能用反向传播训练', 'Any kernel size trains; the choice is about cost and depth.', '任何大小的卷积核都能训练；选择是出于代价和深度。'),
      o('The effective receptive field is uniform over the window', '有效感受野在窗口内是均匀的', 'The effective receptive field is Gaussian-like: centre pixels count much more than the border.', '有效感受野近似高斯：中心像素的影响远大于边缘。'),
    ],
  },
  optimizers: {
    q: L('What is the difference between Adam with L2 regularization and AdamW?', '带 L2 正则的 Adam 与 AdamW 有什么区别？'),
    right: o('AdamW decays the weights directly (w ← w − η·λ·w), outside the adaptive scaling; Adam + L2 puts λw into the gradient, where it gets divided by √v', 'AdamW 直接衰减权重（w ← w − η·λ·w），不经过自适应缩放；Adam + L2 把 λw 加进梯度，它会被除以 √v',
      'Right: in Adam + L2 weights with large gradients are decayed less; decoupled weight decay (Loshchilov & Hutter) decays all at the same rate.', '正确：Adam + L2 中梯度大的权重衰减得更少；解耦的权重衰减（Loshchilov & Hutter）让所有权重以同样的比例衰减。'),
    wrong: [
      o('None: they are the same update', '没有区别：更新完全相同', 'They coincide for plain SGD, not for Adam, because of the division by √v.', '对普通 SGD 它们相同，对 Adam 不同，因为要除以 √v。'),
      o('AdamW has no bias correction', 'AdamW 没有偏差修正', 'AdamW keeps Adam’s bias correction; only the weight decay moves.', 'AdamW 保留了 Adam 的偏差修正；只是权重衰减的位置变了。'),
      o('AdamW uses momentum only, without the second moment', 'AdamW 只用动量，不用二阶矩', 'It keeps both moments m and v.', '它同时保留一阶矩 m 和二阶矩 v。'),
    ],
  },
  'training-tricks': {
    q: L('Why warm the learning rate up at the start of training, especially with Adam and large batches?', '为什么训练开始时要对学习率做预热，尤其是用 Adam 和大批量时？'),
    right: o('Early on the statistics (Adam’s second moment, BN’s running stats) are poor and the weights are random, so large steps can blow training up', '早期统计量（Adam 的二阶矩、BN 的滑动统计）不准、权重还是随机的，大步长可能让训练崩掉',
      'Right: a short linear ramp lets the estimates settle before the full rate; it matters most with large batches (Goyal et al. 2017).', '正确：短的线性预热让估计值先稳定再用全学习率；大批量时尤其重要（Goyal 等 2017）。'),
    wrong: [
      o('To spend less compute in the first epochs', '为了在前几轮少花计算', 'Each step costs the same at any learning rate.', '无论学习率多大，每一步的计算量都一样。'),
      o('Because a small learning rate escapes local minima better', '因为小学习率更容易跳出局部极小值', 'A small rate is worse at escaping; warmup is about stability.', '小学习率反而更难跳出；预热是为了稳定。'),
      o('It replaces the learning-rate decay at the end', '它代替了结束时的学习率衰减', 'Warmup is usually combined with a decay (warmup + cosine).', '预热通常和衰减一起用（预热 + 余弦）。'),
    ],
  },
  activations: {
    q: L('What is the "dying ReLU" problem and what is a common fix?', '什么是"ReLU 死亡"问题？常见的解决办法是什么？'),
    right: o('A unit whose pre-activation is negative for every input outputs 0 with gradient 0 and never recovers; LeakyReLU/GELU keep a gradient for x < 0', '某个单元对所有输入的激活前值都为负，输出 0、梯度 0，再也恢复不了；LeakyReLU/GELU 在 x < 0 时仍保留梯度',
      'Right: often caused by a large learning rate or a big negative bias; a small slope (or a smaller learning rate, careful init) avoids it.', '正确：常由过大的学习率或很大的负偏置引起；小斜率（或更小的学习率、谨慎的初始化）可以避免。'),
    wrong: [
      o('ReLU saturates for large positive inputs', 'ReLU 在正输入很大时饱和', 'ReLU does not saturate for x > 0 (its gradient is 1); that is sigmoid’s problem.', 'ReLU 在 x > 0 时不饱和（梯度为 1）；那是 sigmoid 的问题。'),
      o('ReLU outputs become negative over training', 'ReLU 的输出在训练中变成负数', 'ReLU never outputs a negative value.', 'ReLU 永远不会输出负值。'),
      o('Replace ReLU by sigmoid', '把 ReLU 换成 sigmoid', 'Sigmoid brings back vanishing gradients; the fixes keep ReLU’s shape with a non-zero slope for x < 0.', 'sigmoid 会带回梯度消失；解决办法是保留 ReLU 的形状，但 x < 0 时斜率不为零。'),
    ],
  },
  'roc-auc': {
    q: L('On a very imbalanced problem (1% positives), why can ROC AUC look good while the model is poor at finding positives?', '在极度不平衡的问题上（1% 正样本），为什么 ROC AUC 看起来不错，而模型找正样本的能力却很差？'),
    right: o('The FPR divides by the huge number of negatives, so many false positives still give a small FPR; precision (PR curve) exposes them', 'FPR 除以数量巨大的负样本，所以很多假正例的 FPR 仍然很小；精确率（PR 曲线）能暴露它们',
      'Right: ROC is insensitive to class balance; with 1% positives prefer the PR curve / average precision.', '正确：ROC 对类别比例不敏感；1% 正样本时应看 PR 曲线 / 平均精确率。'),
    wrong: [
      o('AUC is computed on the training set only', 'AUC 只在训练集上计算', 'AUC can be computed on any set; the issue is what it measures.', 'AUC 可以在任何数据集上计算；问题在于它衡量的是什么。'),
      o('AUC depends on the decision threshold', 'AUC 依赖于判定阈值', 'AUC summarizes all thresholds; it does not depend on one.', 'AUC 汇总了所有阈值，不依赖某一个。'),
      o('AUC is always 0.5 on imbalanced data', '不平衡数据上 AUC 总是 0.5', 'AUC is the ranking quality, unaffected by the balance; 0.5 means random ranking.', 'AUC 衡量排序质量，不受比例影响；0.5 表示随机排序。'),
    ],
  },
  'l1-vs-l2': {
    q: L('Two features are strongly correlated. How do L1 and L2 treat their weights?', '两个特征高度相关。L1 和 L2 如何处理它们的权重？'),
    right: o('L1 tends to keep one and set the other to zero; L2 spreads the weight over both', 'L1 倾向于保留一个、把另一个置零；L2 把权重分摊到两个特征上',
      'Right: for L2, splitting w into w/2 + w/2 halves the penalty; for L1 the split costs the same, so the corner solution wins (elastic net mixes both).', '正确：对 L2，把 w 拆成 w/2 + w/2 让惩罚减半；对 L1 拆分代价相同，所以角点解胜出（弹性网络混合两者）。'),
    wrong: [
      o('Both set one of them to exactly zero', '两者都会把其中一个恰好置零', 'L2 has no corners, so it almost never gives exact zeros.', 'L2 没有角点，几乎从不产生恰好为零的权重。'),
      o('L2 keeps one and zeros the other; L1 spreads', 'L2 保留一个、置零另一个；L1 分摊', 'The other way round.', '正好反过来。'),
      o('Neither: regularization ignores correlations', '都不会：正则化不管相关性', 'The penalty’s shape decides how correlated weights are shared.', '惩罚项的形状决定了相关特征的权重如何分配。'),
    ],
  },
  'norm-family': {
    q: L('Why do Transformers use LayerNorm rather than BatchNorm?', '为什么 Transformer 用 LayerNorm 而不是 BatchNorm？'),
    right: o('LayerNorm normalizes each token over its features, independent of the batch and of sequence length/padding, and behaves the same in training and inference', 'LayerNorm 在每个 token 的特征上归一化，不依赖批次、序列长度和填充，训练与推理行为一致',
      'Right: BN’s batch statistics are noisy with variable-length, padded sequences and small batches; LN has no running statistics.', '正确：对变长、有填充的序列和小批量，BN 的批统计量噪声大；LN 没有滑动统计量。'),
    wrong: [
      o('LayerNorm has no learnable parameters', 'LayerNorm 没有可学习参数', 'It has γ and β per feature.', '它每个特征都有 γ 和 β。'),
      o('BatchNorm cannot be applied to 3-D tensors', 'BatchNorm 不能用于三维张量', 'BatchNorm1d handles (N, C, L); the problem is the statistics, not the shape.', 'BatchNorm1d 可以处理 (N, C, L)；问题在于统计量，不在于形状。'),
      o('LayerNorm normalizes over the batch, which is larger in NLP', 'LayerNorm 在批次维上归一化，而 NLP 的批次更大', 'LayerNorm never uses the batch dimension.', 'LayerNorm 从不使用批次维。'),
    ],
  },
  'ce-vs-mse': {
    q: L('For regression with outliers in the targets, why might MSE be a poor choice?', '目标中有离群值的回归问题，为什么 MSE 可能不合适？'),
    right: o('Its gradient grows linearly with the error, so a few outliers dominate the fit; L1 or Huber loss caps their influence', '它的梯度随误差线性增长，少数离群值会主导拟合；L1 或 Huber 损失限制了它们的影响',
      'Right: MSE estimates the mean (sensitive to outliers), L1 the median; Huber is quadratic near 0 and linear beyond δ.', '正确：MSE 估计的是均值（对离群值敏感），L1 估计中位数；Huber 在 0 附近是二次、超过 δ 后是线性。'),
    wrong: [
      o('MSE cannot be minimized by gradient descent', 'MSE 不能用梯度下降最小化', 'It is smooth and convex in the prediction.', '它对预测值光滑且凸。'),
      o('MSE ignores large errors', 'MSE 忽略大误差', 'The opposite: it squares them.', '恰恰相反：它把大误差平方。'),
      o('Cross-entropy is the right loss for regression', '交叉熵才是回归的正确损失', 'Cross-entropy is for probabilities/classes; for real-valued targets the choice is MSE vs L1/Huber.', '交叉熵用于概率/分类；实值目标要在 MSE 与 L1/Huber 之间选择。'),
    ],
  },
};
for (const [topic, item] of Object.entries(MORE)) BANK[topic].push(item);
