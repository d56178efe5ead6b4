"""The parameter and attribute docs both estimators share (one text, two classes)."""

SHARED_PARAMETERS = """\
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Width of each hidden layer (MLPClassifier's default).
    activation : {"relu", "tanh", "logistic", "identity"}, default="relu"
        Hidden activation.
    optimizer : str, Optimizer subclass or Optimizer instance, default="adam"
        A registered name (see :func:`skspiral.available_optimizers`), a class,
        or an instance used as a template (copied, never modified by ``fit``).
    learning_rate, decay, momentum, rho, beta_1, beta_2, epsilon : default=None
        Flat keywords for the optimizer. ``None`` means the chosen optimizer's own
        default (adam: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon
        1e-7, decay 0; sgd: learning_rate 1.0, momentum 0; see each optimizer's
        docstring). A keyword the optimizer does not take is ignored, as
        MLPClassifier ignores ``momentum`` for adam. Ranges are checked by the
        optimizer. ``learning_rate`` may also be a schedule of
        :mod:`skspiral.schedules`. With an optimizer instance leave them at None:
        setting one the instance also has raises ``ValueError``.
    optimizer_params : dict or None, default=None
        Further hyperparameters for the optimizer (e.g. ``weight_decay``); a key
        that repeats an explicitly set flat keyword raises ``ValueError``.
    alpha : float, default=1e-4
        L2 penalty on the weights (not biases): ``0.5 * alpha * sum(W**2) / sum(w)``
        per batch, as MLPClassifier, and included in the recorded loss.
    batch_size : int, "auto" or None, default="auto"
        Rows per step: "auto" is ``min(200, n_samples)``, None the full batch; an
        int is clipped to ``n_samples``.
    max_iter : int, default=200
        Maximum number of epochs (iterations for L-BFGS).
    shuffle : bool, default=True
        Reshuffle the rows every epoch (mini-batch training only).
    tol : float, default=1e-4
        Improvement that resets the ``n_iter_no_change`` counter.
    n_iter_no_change : int or np.inf, default=10
        Stop after this many epochs without a ``tol`` improvement of the training
        loss (or of the validation metric with ``early_stopping``).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified for
        classification), stop on its metric and restore the best weights.
    validation_fraction : float in (0, 1), default=0.1
    weight_init : {"auto", "glorot_uniform", "he_normal", "book"}, default="auto"
        "auto" is MLPClassifier's Glorot-uniform for every activation (bound
        ``sqrt(6 / (fan_in + fan_out))``, ``sqrt(2 / ...)`` for logistic); "book" is
        ``0.01 * N(0, 1)`` with zero biases. Weights are drawn layer by layer before
        anything else from ``random_state``.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, shuffling and the validation split.
    verbose : int or bool, default=0
        1 prints book-style progress lines ten times per fit, 2 every epoch.
    warm_start : bool, default=False
        Continue from the fitted weights and optimizer state (decay continues
        from the step count); changed hyperparameters apply from the next step.
"""

SHARED_ATTRIBUTES = """\
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when fitted on data with string column names.
    coefs_, intercepts_ : list of ndarray
        Weights and biases per layer, in scikit-learn's layout (views into the
        network's parameter vector: writing to them changes the model).
    network_ : skspiral.network.MLP
    optimizer_ : skspiral.optimizers.Optimizer
        The optimizer built for the latest fit.
    optimizer_state_ : skspiral.optimizers.OptimizerState
        Its state (step count and slots, readable per parameter name).
    n_iter_ : int
        Epochs run by the latest ``fit`` (warm start included); 1 after
        ``partial_fit``, as in scikit-learn.
    t_ : int
        Optimizer steps taken since the weights were initialised (scikit-learn's
        ``t_`` counts samples instead).
    loss_ : float
    loss_curve_ : list of float
        Mean training loss per epoch since the weights were initialised; with
        full batch, before the epoch's update.
    best_loss_ : float or None
    validation_scores_ : list of float or None
    best_validation_score_ : float or None
        Of the latest fit.
    n_layers_, n_outputs_ : int
"""

CALLBACKS_NOTE = """\
    Callbacks are set with ``set_callbacks(...)`` (scikit-learn >= 1.9): scikit-
    learn's (``ProgressBar``, ``ScoringMonitor``, ...) and skspiral's own
    (:mod:`skspiral.callbacks`); a fit is one task with one sub-task per epoch,
    and any callback may stop training.
"""
